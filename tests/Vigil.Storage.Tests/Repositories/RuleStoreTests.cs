using System.Security.Cryptography;
using System.Text;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class RuleStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresRuleStore store = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Save_SameName_ReplacesText()
    {
        await store.SaveAsync(Rule("saml.yml", "title: one\n"), default);
        await store.SaveAsync(Rule("saml.yml", "title: two\n") with { Enabled = false, DryRun = true }, default);

        var saved = Assert.Single(await store.LoadAllAsync(default), rule => rule.TenantId == tenant);

        Assert.Equal("title: two\n", saved.Yaml);
        Assert.Equal(Sha256("title: two\n"), saved.Sha256);
        Assert.False(saved.Enabled);
        Assert.True(saved.DryRun);
        Assert.Equal("admin", saved.UpdatedBy);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), saved.UpdatedAt);
    }

    [Fact]
    public async Task Seed_OncePerTenant_KeepsDeletions()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await store.SaveAsync(Rule("mine.yml", "title: mine\n"), default);

        var first = await store.SeedAsync(tenant, [Rule("shipped.yml", "title: shipped\n"), Rule("mine.yml", "title: other\n")], at, default);
        await store.DeleteAsync(tenant, "shipped.yml", default);
        var second = await store.SeedAsync(tenant, [Rule("shipped.yml", "title: shipped\n")], at, default);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        var rules = await store.ListAsync(tenant, default);
        Assert.Equal("title: mine\n", Assert.Single(rules).Yaml);
    }

    [Fact]
    public async Task Save_KeepsTestEvents()
    {
        await store.SaveAsync(Rule("saml.yml", "title: one\n") with { TestEvents = "{\"Records\":[]}" }, default);

        var saved = await store.GetAsync(tenant, "saml.yml", default);

        Assert.Equal("{\"Records\":[]}", saved!.TestEvents);
    }

    [Fact]
    public async Task SetEnabled_RecordsWhoAndWhen()
    {
        await store.SaveAsync(Rule("a.yml", "title: a\n"), default);

        var changed = await store.SetEnabledAsync(tenant, "a.yml", false, "carol", default);
        var missing = await store.SetEnabledAsync(tenant, "nope.yml", false, "carol", default);

        Assert.True(changed);
        Assert.False(missing);
        var saved = Assert.Single(await store.LoadAllAsync(default), rule => rule.TenantId == tenant);
        Assert.False(saved.Enabled);
        Assert.Equal("carol", saved.UpdatedBy);
        Assert.True(saved.UpdatedAt > new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Save_WrongSha256_Throws()
    {
        var rule = Rule("a.yml", "title: a\n") with { Sha256 = Sha256("other") };

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(rule, default));
    }

    private StoredRule Rule(string name, string yaml) => new()
    {
        TenantId = tenant,
        Name = name,
        Yaml = yaml,
        Sha256 = Sha256(yaml),
        UpdatedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        UpdatedBy = "admin",
    };

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
