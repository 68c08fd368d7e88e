using System.Security.Cryptography;
using System.Text;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class ThreatListStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresThreatListStore store = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Save_SameName_ReplacesContent()
    {
        await store.SaveAsync(List("bad-ips", "198.51.100.7\n"), default);
        await store.SaveAsync(List("bad-ips", "203.0.113.0/24\n"), default);

        var lists = (await store.LoadAllAsync(default)).Where(list => list.TenantId == tenant).ToList();

        var saved = Assert.Single(lists);
        Assert.Equal("203.0.113.0/24\n", saved.Content);
        Assert.Equal(Sha256("203.0.113.0/24\n"), saved.Sha256);
        Assert.Equal("admin", saved.UpdatedBy);
    }

    [Fact]
    public async Task Save_ReportLoad_SetsActive()
    {
        await store.SaveAsync(List("bad-ips", "198.51.100.7\n"), default);

        var first = await store.ReportLoadAsync(ListScope.Tenant, tenant, "bad-ips", Sha256("198.51.100.7\n"), new ListLoadOutcome(1, 0, null), default);
        var repeated = await store.ReportLoadAsync(ListScope.Tenant, tenant, "bad-ips", Sha256("198.51.100.7\n"), new ListLoadOutcome(1, 0, null), default);
        var stale = await store.ReportLoadAsync(ListScope.Tenant, tenant, "bad-ips", Sha256("old content"), new ListLoadOutcome(0, 0, "broken"), default);

        Assert.True(first);
        Assert.False(repeated);
        Assert.False(stale);
        var saved = await store.FindAsync(tenant, "bad-ips", default);
        Assert.Equal(ListStatus.Active, saved?.Status);
        Assert.Equal(1, saved?.EntryCount);
    }

    [Fact]
    public async Task Save_WrongSha256_Throws()
    {
        var list = List("bad-ips", "198.51.100.7\n") with { Sha256 = Sha256("something else") };

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(list, default));
    }

    private StoredThreatList List(string name, string content) => new()
    {
        TenantId = tenant,
        Name = name,
        Format = "txt",
        Content = content,
        Sha256 = Sha256(content),
        UpdatedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        UpdatedBy = "admin",
    };

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
