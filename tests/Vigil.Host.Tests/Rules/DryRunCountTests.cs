using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Host.Services;
using Vigil.Ingestion.CloudTrail;
using Vigil.Rules;
using Vigil.Rules.Correlation;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Host.Tests.Rules;

/// <summary>The rule refresh stores what dry-run rules matched in PostgreSQL, once per match.</summary>
public sealed class DryRunCountTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Tenant = "tenant-dry-run";
    private const string RuleFile = "aws_iam_saml_provider_updated.yml";

    [Fact]
    public async Task Refresh_StoresNewMatchesOnce()
    {
        var rules = new PostgresRuleStore(database.DataSource);
        var counts = new PostgresRuleDryRunCounts(database.DataSource);
        var registry = new RuleRegistry();
        var shipped = ShippedRules.All.Single(file => file.Name == RuleFile);
        await rules.SaveAsync(new StoredRule { TenantId = Tenant, Name = RuleFile, Yaml = shipped.Yaml, Sha256 = StoredRule.HashOf(shipped.Yaml), DryRun = true, UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "test" }, CancellationToken.None);
        var service = new RuleRefreshService(rules, counts, new InMemorySourceStore(), registry, TimeProvider.System, NullLogger<RuleRefreshService>.Instance);
        await service.RefreshAsync(CancellationToken.None);

        var events = await ReadAsync(ShippedRules.TestEventsOf(RuleFile).Matching);
        var context = new DetectionContext(Tenant, ThreatIntelSnapshot.Empty, TimeProvider.System);
        var raised = registry.For(Tenant).InspectCloudTrail(events, "principal", context, new CorrelationState());
        registry.For(Tenant).InspectCloudTrail(events, "principal", context, new CorrelationState());
        await service.RefreshAsync(CancellationToken.None);
        await service.RefreshAsync(CancellationToken.None);

        Assert.Empty(raised);
        var stored = Assert.Single(await counts.ListAsync(Tenant, DateTimeOffset.UtcNow.AddHours(-2), CancellationToken.None));
        Assert.Equal(2, stored.Matches);
        Assert.Equal(RuleFile, stored.RuleFile);
        Assert.Equal("6f3f4b0e-2a51-4c55-9d0b-7b1a6c2e9a01", stored.RuleKey);
    }

    private static async Task<IReadOnlyList<CloudTrailEvent>> ReadAsync(string json)
    {
        var events = new List<CloudTrailEvent>();
        await new CloudTrailObjectReader().ReadAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(json)),
            "test.json",
            DateTimeOffset.UnixEpoch,
            batch =>
            {
                events.AddRange(batch);
                return ValueTask.CompletedTask;
            },
            _ => { },
            CancellationToken.None);
        return events;
    }
}
