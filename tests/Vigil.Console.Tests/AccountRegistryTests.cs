using System.Security.Claims;
using Vigil.Console.Administration;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Console.Tests;

public sealed class AccountRegistryTests
{
    private const string TenantId = "tenant-a";
    private const string Listed = "111122223333";
    private const string Other = "444455556666";

    private readonly InMemoryTenantStore tenants = new();
    private readonly InMemorySourceStore sources = new();
    private readonly AccountRegistry registry;
    private readonly ClaimsPrincipal admin = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "admin"), new Claim(ConsoleClaimTypes.Tenant, TenantId), new Claim(ClaimTypes.Role, ConsoleRoles.TenantAdmin)],
        "test"));

    public AccountRegistryTests()
    {
        registry = new AccountRegistry(tenants, sources, new AuditWriter(new InMemoryAuditLog(), TimeProvider.System), TimeProvider.System);
    }

    [Fact]
    public async Task List_SourceWithoutAccounts_DeliversEveryRegisteredAccount()
    {
        await SaveSourceAsync("Watched folder", SourceKind.Folder);
        await SaveSourceAsync("Audit bucket", SourceKind.S3Listing, Listed);
        await registry.AddAsync(admin, Listed, "Production", CancellationToken.None);
        await registry.AddAsync(admin, Other, "Sandbox", CancellationToken.None);

        var overview = await registry.ListAsync(admin, CancellationToken.None);

        var production = Assert.Single(overview.Registered, row => row.Account.AccountId == Listed);
        Assert.Equal(new[] { "Audit bucket", "Watched folder" + AccountRegistry.AnyAccountSuffix }, production.SourceNames);
        var sandbox = Assert.Single(overview.Registered, row => row.Account.AccountId == Other);
        Assert.Equal(new[] { "Watched folder" + AccountRegistry.AnyAccountSuffix }, sandbox.SourceNames);
        Assert.Empty(overview.Unregistered);
    }

    [Fact]
    public async Task List_FirehoseWithoutAccounts_DeliversNone()
    {
        await SaveSourceAsync("Stream", SourceKind.Firehose);
        await registry.AddAsync(admin, Listed, "Production", CancellationToken.None);

        var overview = await registry.ListAsync(admin, CancellationToken.None);

        Assert.Empty(Assert.Single(overview.Registered).SourceNames);
    }

    [Fact]
    public async Task List_ListedAccountNotRegistered_ShownAsUnregistered()
    {
        await SaveSourceAsync("Watched folder", SourceKind.Folder);
        await SaveSourceAsync("Audit bucket", SourceKind.S3Listing, Other);

        var overview = await registry.ListAsync(admin, CancellationToken.None);

        var unregistered = Assert.Single(overview.Unregistered);
        Assert.Equal(Other, unregistered.AccountId);
        Assert.Equal(new[] { "Audit bucket" }, unregistered.SourceNames);
    }

    private Task SaveSourceAsync(string name, SourceKind kind, params string[] accountIds) => sources.SaveAsync(
        new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = TenantId,
            Name = name,
            Kind = kind,
            AccountIds = accountIds,
            Folder = kind == SourceKind.Folder ? "/var/log/aws" : null,
            Bucket = kind == SourceKind.S3Listing ? "audit-bucket" : null,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            UpdatedBy = "test",
        },
        CancellationToken.None);
}
