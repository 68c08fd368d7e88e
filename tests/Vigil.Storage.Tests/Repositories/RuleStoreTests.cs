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
    public async Task Seed_AgainFillsMissingTestEvents()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await store.SeedAsync(tenant, [Rule("shipped.yml", "title: shipped\n"), Rule("changed.yml", "title: shipped\n")], at, default);
        await store.SaveAsync(Rule("changed.yml", "title: changed by the tenant\n"), default);

        var stored = await store.SeedAsync(
            tenant,
            [
                Rule("shipped.yml", "title: shipped\n") with { TestEvents = "match", TestEventsNoMatch = "no match" },
                Rule("changed.yml", "title: shipped\n") with { TestEvents = "match" },
            ],
            at,
            default);

        Assert.Equal(0, stored);
        var shipped = await store.GetAsync(tenant, "shipped.yml", default);
        Assert.Equal("match", shipped!.TestEvents);
        Assert.Equal("no match", shipped.TestEventsNoMatch);
        Assert.Null((await store.GetAsync(tenant, "changed.yml", default))!.TestEvents);
    }

    [Fact]
    public async Task Save_KeepsNonMatchingTestEvents()
    {
        await store.SaveAsync(Rule("saml.yml", "title: one\n") with { TestEventsNoMatch = "{\"Records\":[]}" }, default);

        var saved = await store.GetAsync(tenant, "saml.yml", default);

        Assert.Equal("{\"Records\":[]}", saved!.TestEventsNoMatch);
    }

    [Fact]
    public async Task DryRunCounts_AddUpPerHourAndTenant()
    {
        var counts = new PostgresRuleDryRunCounts(database.DataSource);
        var hour = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await counts.AddAsync([new RuleDryRunCount(tenant, "a.yml", "rule-a", hour.AddMinutes(5), 2), new RuleDryRunCount(tenant, "a.yml", "rule-a", hour.AddMinutes(50), 3)], default);
        await counts.AddAsync([new RuleDryRunCount(tenant, "a.yml", "rule-a", hour.AddMinutes(59), 1), new RuleDryRunCount(tenant, "a.yml", "rule-a", hour.AddHours(1), 7)], default);
        await counts.AddAsync([new RuleDryRunCount("other-" + tenant, "a.yml", "rule-a", hour, 100)], default);

        var listed = await counts.ListAsync(tenant, hour.AddMinutes(30), default);
        var deleted = await counts.DeleteBeforeAsync(hour.AddHours(1), default);
        var after = await counts.ListAsync(tenant, hour.AddDays(-1), default);

        Assert.Equal([(hour, 6L), (hour.AddHours(1), 7L)], listed.Select(count => (count.Hour, count.Matches)));
        Assert.All(listed, count => Assert.Equal(("a.yml", "rule-a"), (count.RuleFile, count.RuleKey)));
        Assert.True(deleted >= 2);
        Assert.Equal(7, Assert.Single(after).Matches);
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
