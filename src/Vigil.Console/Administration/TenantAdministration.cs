using System.Security.Claims;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Administration;

/// <summary>
/// Tenants as a platform operator manages them: create, rename, change settings; each change is
/// audited twice, as a platform entry and in the tenant's own log.
/// </summary>
public sealed class TenantAdministration(ITenantStore tenants, AuditWriter audit, TimeProvider timeProvider)
{
    public const string ObjectType = "tenant";

    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken) => tenants.ListAsync(cancellationToken);

    /// <summary>The signed-in user's current tenant.</summary>
    public Task<Tenant?> GetCurrentAsync(ClaimsPrincipal actor, CancellationToken cancellationToken) =>
        actor.FindTenantId() is { } tenantId ? tenants.GetAsync(tenantId, cancellationToken) : Task.FromResult<Tenant?>(null);

    public Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken) => tenants.GetAsync(tenantId, cancellationToken);

    public async Task<ChangeResult<Tenant>> CreateAsync(ClaimsPrincipal actor, string? tenantId, string? displayName, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            return ChangeResult<Tenant>.Fail(ChangeStatus.Invalid, "id", "The tenant id must have 1 to 64 lower-case letters, digits or '-'.");
        }

        var tenant = new Tenant(tenantId!, string.IsNullOrWhiteSpace(displayName) ? tenantId! : displayName.Trim(), settings ?? new Dictionary<string, string>(), timeProvider.GetUtcNow());
        if (Check(tenant.DisplayName, tenant.Settings) is { } problem)
        {
            return problem;
        }

        if (!await tenants.CreateAsync(tenant, cancellationToken))
        {
            return ChangeResult<Tenant>.Fail(ChangeStatus.Conflict, "id", "A tenant with this id exists already.");
        }

        await audit.WriteAsync(AuditEntry.PlatformTenant, actor, "tenant.create", ObjectType, tenant.Id, null, tenant, cancellationToken);
        await audit.WriteAsync(tenant.Id, actor, "tenant.create", ObjectType, tenant.Id, null, tenant, cancellationToken);
        return ChangeResult<Tenant>.Success(tenant);
    }

    public async Task<ChangeResult<Tenant>> UpdateAsync(ClaimsPrincipal actor, string tenantId, string? displayName, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        var before = await tenants.GetAsync(tenantId, cancellationToken);
        if (before is null)
        {
            return ChangeResult<Tenant>.NotFound("There is no tenant with this id.");
        }

        var after = before with
        {
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? before.DisplayName : displayName.Trim(),
            Settings = settings ?? before.Settings,
        };
        if (Check(after.DisplayName, after.Settings) is { } problem)
        {
            return problem;
        }

        await tenants.UpdateAsync(tenantId, after.DisplayName, after.Settings, cancellationToken);
        await audit.WriteAsync(AuditEntry.PlatformTenant, actor, "tenant.update", ObjectType, tenantId, before, after, cancellationToken);
        await audit.WriteAsync(tenantId, actor, "tenant.update", ObjectType, tenantId, before, after, cancellationToken);
        return ChangeResult<Tenant>.Success(after);
    }

    private static ChangeResult<Tenant>? Check(string displayName, IReadOnlyDictionary<string, string> settings)
    {
        if (displayName.Length > Tenant.MaxDisplayNameLength || displayName.Any(char.IsControl))
        {
            return ChangeResult<Tenant>.Fail(ChangeStatus.Invalid, "displayName", $"The display name must have at most {Tenant.MaxDisplayNameLength} characters and no control characters.");
        }

        if (settings.Count > Tenant.MaxSettings)
        {
            return ChangeResult<Tenant>.Fail(ChangeStatus.Invalid, "settings", $"A tenant has at most {Tenant.MaxSettings} settings.");
        }

        foreach (var (name, value) in settings)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > Tenant.MaxSettingNameLength || value is null || value.Length > Tenant.MaxSettingValueLength)
            {
                return ChangeResult<Tenant>.Fail(ChangeStatus.Invalid, "settings", $"Setting names have 1 to {Tenant.MaxSettingNameLength} characters and values at most {Tenant.MaxSettingValueLength}.");
            }
        }

        return null;
    }
}
