using System.Security.Claims;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Administration;

/// <summary>A tenant admin's API keys: created with the secret shown once, listed without it, revoked; each change audited.</summary>
public sealed class ApiKeyAdministration(IApiKeyStore keys, AuditWriter audit, TimeProvider timeProvider)
{
    public const string ObjectType = "api-key";

    /// <summary>The longest lifetime a key may be given, in days.</summary>
    public const int MaxLifetimeDays = 3650;

    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(ClaimsPrincipal actor, CancellationToken cancellationToken) =>
        keys.ListAsync(Tenant(actor), cancellationToken);

    public Task<ApiKeyInfo?> GetAsync(ClaimsPrincipal actor, Guid id, CancellationToken cancellationToken) =>
        keys.GetAsync(Tenant(actor), id, cancellationToken);

    /// <summary>Creates a key of the actor's tenant. The result carries the secret, which is not stored.</summary>
    public async Task<ChangeResult<CreatedApiKey>> CreateAsync(ClaimsPrincipal actor, string? name, string? role, int? lifetimeDays, CancellationToken cancellationToken)
    {
        var tenantId = Tenant(actor);
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > ApiKeyInfo.MaxNameLength || name.Any(char.IsControl))
        {
            return ChangeResult<CreatedApiKey>.Fail(ChangeStatus.Invalid, "name", $"The name must have 1 to {ApiKeyInfo.MaxNameLength} characters and no control characters.");
        }

        if (role is not (ConsoleRoles.Analyst or ConsoleRoles.TenantAdmin))
        {
            return ChangeResult<CreatedApiKey>.Fail(ChangeStatus.Invalid, "role", $"The role of an API key must be {ConsoleRoles.Analyst} or {ConsoleRoles.TenantAdmin}.");
        }

        if (lifetimeDays is < 1 or > MaxLifetimeDays)
        {
            return ChangeResult<CreatedApiKey>.Fail(ChangeStatus.Invalid, "lifetimeDays", $"The lifetime must be 1 to {MaxLifetimeDays} days, or empty for a key that does not expire.");
        }

        var now = timeProvider.GetUtcNow();
        var secret = ApiKeySecret.Generate();
        var key = new ApiKeyInfo(Guid.NewGuid(), tenantId, name, role, now, actor.ActorName(), lifetimeDays is { } days ? now.AddDays(days) : null, null, null, null);
        await keys.CreateAsync(key, ApiKeySecret.Hash(secret), cancellationToken);
        await audit.WriteAsync(tenantId, actor, "api-key.create", ObjectType, key.Id.ToString(), null, key, cancellationToken);
        return ChangeResult<CreatedApiKey>.Success(new CreatedApiKey(key, secret));
    }

    public async Task<ChangeResult<ApiKeyInfo>> RevokeAsync(ClaimsPrincipal actor, Guid id, CancellationToken cancellationToken)
    {
        var tenantId = Tenant(actor);
        var before = await keys.GetAsync(tenantId, id, cancellationToken);
        if (before is null)
        {
            return ChangeResult<ApiKeyInfo>.NotFound("The tenant has no API key with this id.");
        }

        var after = await keys.RevokeAsync(tenantId, id, actor.ActorName(), timeProvider.GetUtcNow(), cancellationToken);
        if (after is null)
        {
            return ChangeResult<ApiKeyInfo>.NotFound("The tenant has no API key with this id.");
        }

        if (before.RevokedAt is null)
        {
            await audit.WriteAsync(tenantId, actor, "api-key.revoke", ObjectType, id.ToString(), before, after, cancellationToken);
        }

        return ChangeResult<ApiKeyInfo>.Success(after);
    }

    private static string Tenant(ClaimsPrincipal actor) =>
        actor.FindTenantId() ?? throw new InvalidOperationException("The signed-in user has no tenant claim; the authorization policies should have rejected the request.");
}

/// <summary>A new API key and its secret, which is shown once and never stored.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Key, string Secret);
