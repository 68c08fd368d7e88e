using System.Security.Claims;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Administration;

/// <summary>
/// The AWS accounts a tenant registered, beside the accounts its sources list, and the tenant
/// admin's changes to them, each written to the audit log.
/// </summary>
public sealed class AccountRegistry(ITenantStore tenants, ISourceStore sources, AuditWriter audit, TimeProvider timeProvider)
{
    public const string ObjectType = "account";

    /// <summary>Text after the name of a source that lists no account, in <see cref="AccountRow.SourceNames"/>.</summary>
    public const string AnyAccountSuffix = " (any account)";

    /// <summary>
    /// The tenant's registered accounts with the sources that deliver each, and the source accounts not
    /// registered. A source delivers the accounts it lists. A folder or S3 source that lists none,
    /// such as the watched folder, accepts the records of every account, so it delivers every
    /// registered account and is named with <see cref="AnyAccountSuffix"/>.
    /// </summary>
    public async Task<AccountOverview> ListAsync(ClaimsPrincipal actor, CancellationToken cancellationToken)
    {
        var tenantId = Tenant(actor);
        var registered = await tenants.ListAccountsAsync(tenantId, cancellationToken);
        var tenantSources = await sources.ListAsync(tenantId, cancellationToken);

        var sourcesByAccount = tenantSources
            .SelectMany(source => source.AccountIds.Select(account => (account, source.Name)))
            .GroupBy(pair => pair.account, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<string>)group.Select(pair => pair.Name).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        // A Firehose source that lists no account accepts none, so only the source readers' kinds and vigil ingest count here.
        var anyAccountSources = tenantSources
            .Where(source => source.AccountIds.Count == 0 && source.Kind is SourceKind.Folder or SourceKind.S3Listing or SourceKind.S3Notifications or SourceKind.CommandLine)
            .Select(source => source.Name + AnyAccountSuffix)
            .Order(StringComparer.Ordinal)
            .ToList();

        var rows = registered
            .Select(account => new AccountRow(account, [.. sourcesByAccount.GetValueOrDefault(account.AccountId) ?? [], .. anyAccountSources]))
            .ToList();
        var registeredIds = registered.Select(account => account.AccountId).ToHashSet(StringComparer.Ordinal);
        var unregistered = sourcesByAccount
            .Where(pair => !registeredIds.Contains(pair.Key))
            .Select(pair => new UnregisteredAccount(pair.Key, pair.Value))
            .OrderBy(account => account.AccountId, StringComparer.Ordinal)
            .ToList();
        return new AccountOverview(rows, unregistered);
    }

    public async Task<ChangeResult<TenantAccount>> AddAsync(ClaimsPrincipal actor, string? accountId, string? name, CancellationToken cancellationToken)
    {
        var tenantId = Tenant(actor);
        accountId = accountId?.Trim();
        name = string.IsNullOrWhiteSpace(name) ? accountId : name.Trim();
        if (!TenantIds.IsAccountId(accountId))
        {
            return ChangeResult<TenantAccount>.Fail(ChangeStatus.Invalid, "accountId", "The account id must be 12 digits.");
        }

        if (name!.Length > TenantAccount.MaxNameLength || name.Any(char.IsControl))
        {
            return ChangeResult<TenantAccount>.Fail(ChangeStatus.Invalid, "name", $"The name must have at most {TenantAccount.MaxNameLength} characters and no control characters.");
        }

        var account = new TenantAccount(tenantId, accountId!, name, timeProvider.GetUtcNow(), actor.ActorName());
        if (!await tenants.AddAccountAsync(account, cancellationToken))
        {
            return ChangeResult<TenantAccount>.Fail(ChangeStatus.Conflict, "accountId", "The tenant has registered this account already.");
        }

        await audit.WriteAsync(tenantId, actor, "account.register", ObjectType, account.AccountId, null, account, cancellationToken);
        return ChangeResult<TenantAccount>.Success(account);
    }

    public async Task<ChangeResult<TenantAccount>> RemoveAsync(ClaimsPrincipal actor, string accountId, CancellationToken cancellationToken)
    {
        var tenantId = Tenant(actor);
        var removed = await tenants.RemoveAccountAsync(tenantId, accountId, cancellationToken);
        if (removed is null)
        {
            return ChangeResult<TenantAccount>.NotFound("The tenant has not registered this account.");
        }

        await audit.WriteAsync(tenantId, actor, "account.remove", ObjectType, accountId, removed, null, cancellationToken);
        return ChangeResult<TenantAccount>.Success(removed);
    }

    private static string Tenant(ClaimsPrincipal actor) =>
        actor.FindTenantId() ?? throw new InvalidOperationException("The signed-in user has no tenant claim; the authorization policies should have rejected the request.");
}

public sealed record AccountOverview(IReadOnlyList<AccountRow> Registered, IReadOnlyList<UnregisteredAccount> Unregistered);

/// <summary>A registered account and the names of the tenant's sources that deliver it: those that list it, then those that accept any account.</summary>
public sealed record AccountRow(TenantAccount Account, IReadOnlyList<string> SourceNames);

/// <summary>An account that the tenant's sources list but the tenant has not registered.</summary>
public sealed record UnregisteredAccount(string AccountId, IReadOnlyList<string> SourceNames);
