using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class TenantAndApiKeyStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresTenantStore tenants = new(database.DataSource);
    private readonly PostgresApiKeyStore keys = new(database.DataSource);
    private readonly string tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Tenant_CreateTwice_SecondReturnsFalse()
    {
        var tenant = new Tenant(tenantId, "Acme", new Dictionary<string, string> { ["region"] = "eu" }, DateTimeOffset.UtcNow);

        Assert.True(await tenants.CreateAsync(tenant, default));
        Assert.False(await tenants.CreateAsync(tenant with { DisplayName = "Other" }, default));
        var stored = await tenants.GetAsync(tenantId, default);
        Assert.Equal("Acme", stored!.DisplayName);
        Assert.Equal("eu", stored.Settings["region"]);
    }

    [Fact]
    public async Task Account_RemoveOtherTenant_ReturnsNull()
    {
        await tenants.CreateAsync(new Tenant(tenantId, tenantId, new Dictionary<string, string>(), DateTimeOffset.UtcNow), default);
        await tenants.AddAccountAsync(new TenantAccount(tenantId, "123456789012", "prod", DateTimeOffset.UtcNow, "admin"), default);

        Assert.Null(await tenants.RemoveAccountAsync("another-tenant", "123456789012", default));
        Assert.Single(await tenants.ListAccountsAsync(tenantId, default));
        Assert.NotNull(await tenants.RemoveAccountAsync(tenantId, "123456789012", default));
        Assert.Empty(await tenants.ListAccountsAsync(tenantId, default));
    }

    [Fact]
    public async Task Account_UnknownTenant_Rejected()
    {
        await Assert.ThrowsAsync<Npgsql.PostgresException>(
            () => tenants.AddAccountAsync(new TenantAccount("no-such-" + tenantId, "123456789012", "prod", DateTimeOffset.UtcNow, "admin"), default));
    }

    [Fact]
    public async Task ApiKey_UseRevokedOrExpired_ReturnsNull()
    {
        var now = DateTimeOffset.UtcNow;
        var active = NewKey(now, expiresAt: null);
        var expired = NewKey(now, expiresAt: now.AddMinutes(-1));
        var revoked = NewKey(now, expiresAt: null);
        await keys.CreateAsync(active, "hash-" + active.Id, default);
        await keys.CreateAsync(expired, "hash-" + expired.Id, default);
        await keys.CreateAsync(revoked, "hash-" + revoked.Id, default);
        await keys.RevokeAsync(tenantId, revoked.Id, "admin", now, default);

        var used = await keys.UseAsync("hash-" + active.Id, now, default);

        Assert.Equal(active.Id, used?.Id);
        Assert.Null(await keys.UseAsync("hash-" + expired.Id, now, default));
        Assert.Null(await keys.UseAsync("hash-" + revoked.Id, now, default));
        Assert.NotNull((await keys.GetAsync(tenantId, active.Id, default))!.LastUsedAt);
    }

    [Fact]
    public async Task ApiKey_RevokeOtherTenant_ReturnsNull()
    {
        var key = NewKey(DateTimeOffset.UtcNow, expiresAt: null);
        await keys.CreateAsync(key, "hash-" + key.Id, default);

        Assert.Null(await keys.RevokeAsync("another-tenant", key.Id, "intruder", DateTimeOffset.UtcNow, default));
        Assert.Null((await keys.GetAsync(tenantId, key.Id, default))!.RevokedAt);
    }

    private ApiKeyInfo NewKey(DateTimeOffset now, DateTimeOffset? expiresAt) =>
        new(Guid.NewGuid(), tenantId, "key", ConsoleRoles.Analyst, now, "admin", expiresAt, null, null, null);
}
