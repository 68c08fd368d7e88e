using System.Text.RegularExpressions;

namespace Vigil.Contracts.Storage;

/// <summary>
/// The tenants of the platform and the AWS accounts each tenant registered. Calls that take a tenant
/// id act on that tenant's rows only.
/// </summary>
public interface ITenantStore
{
    /// <summary>Every tenant, ordered by id.</summary>
    Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken);

    Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Adds the tenant unless one with its id exists. Returns true when it was added.</summary>
    Task<bool> CreateAsync(Tenant tenant, CancellationToken cancellationToken);

    /// <summary>Replaces the display name and settings. Returns false when there is no such tenant.</summary>
    Task<bool> UpdateAsync(string tenantId, string displayName, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken);

    /// <summary>The tenant's registered AWS accounts, ordered by account id.</summary>
    Task<IReadOnlyList<TenantAccount>> ListAccountsAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Registers the account for its tenant unless the tenant has it already. Returns true when it was added.</summary>
    Task<bool> AddAccountAsync(TenantAccount account, CancellationToken cancellationToken);

    /// <summary>Removes the tenant's account and returns it, or null when the tenant had none with that id.</summary>
    Task<TenantAccount?> RemoveAccountAsync(string tenantId, string accountId, CancellationToken cancellationToken);
}

/// <summary>One tenant. <see cref="Settings"/> is a bounded set of named text values.</summary>
public sealed record Tenant(string Id, string DisplayName, IReadOnlyDictionary<string, string> Settings, DateTimeOffset CreatedAt)
{
    /// <summary>The longest display name, setting name and setting value accepted.</summary>
    public const int MaxDisplayNameLength = 200;

    public const int MaxSettingNameLength = 64;

    public const int MaxSettingValueLength = 1024;

    /// <summary>The most settings one tenant has.</summary>
    public const int MaxSettings = 64;
}

/// <summary>An AWS account registered by a tenant, with a name for people.</summary>
public sealed record TenantAccount(string TenantId, string AccountId, string Name, DateTimeOffset CreatedAt, string CreatedBy)
{
    public const int MaxNameLength = 200;
}

/// <summary>The rules every tenant id follows: 1 to 64 lower-case ASCII letters, digits or '-'.</summary>
public static partial class TenantIds
{
    public static bool IsValid(string? tenantId) => tenantId is not null && Pattern().IsMatch(tenantId);

    /// <summary>True for a 12-digit AWS account id.</summary>
    public static bool IsAccountId(string? accountId) => accountId is { Length: 12 } && accountId.All(char.IsAsciiDigit);

    [GeneratedRegex("^[a-z0-9-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
