using Vigil.Rules.Events;
using Vigil.Rules.Tests.Support;

namespace Vigil.Rules.Tests;

/// <summary>The rule files under Fixtures/rules, written in the style of public Sigma rules, load unchanged and match what they describe.</summary>
public sealed class FixtureRuleTests
{
    private static RuleSetCompilation CompileFixtures()
    {
        var folder = TestLogs.FixturePath("rules");
        var sources = Directory.GetFiles(folder, "*.yml").Order(StringComparer.Ordinal).Select(path => new RuleSource(Path.GetFileName(path), File.ReadAllText(path)));
        return RuleSetCompiler.Compile(sources);
    }

    [Fact]
    public void FixtureRules_CompileWithoutDiagnostics()
    {
        var compilation = CompileFixtures();

        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(12, compilation.RuleSet.Rules.Count);
        Assert.Single(compilation.RuleSet.Correlations);
    }

    [Theory]
    [InlineData("ct-01", "6f3f4b0e-2a51-4c55-9d0b-7b1a6c2e9a01")]
    [InlineData("ct-02", "0c2e4a68-3b5d-4f7a-9c1e-2a4c6e8a0c10")]
    [InlineData("ct-03", "1a9c7e42-5f0d-4d7b-8b8e-3c6d2f1e0b02")]
    [InlineData("ct-04", "")]
    [InlineData("ct-05", "")]
    [InlineData("ct-06", "9b2d5c61-0e7a-4f3c-a1d4-5e8f7a6b3c03")]
    [InlineData("ct-07", "")]
    [InlineData("ct-08", "")]
    [InlineData("ct-09", "3c7e1f94-8b2a-4d6e-9f0c-1a2b3c4d5e04")]
    [InlineData("ct-10", "")]
    [InlineData("ct-11", "3c7e1f94-8b2a-4d6e-9f0c-1a2b3c4d5e04")]
    [InlineData("ct-12", "5d8a2b37-6c1e-4f9a-b0d3-2e4f6a8c0e05")]
    [InlineData("ct-13", "8e0f3a56-7d2b-4c1e-a9f8-4b6d8e0a2c06")]
    [InlineData("ct-14", "0c2e4a68-3b5d-4f7a-9c1e-2a4c6e8a0c10")]
    [InlineData("ct-15", "")]
    [InlineData("ct-16", "2b4d6f81-9a3c-4e5d-8f7a-6c8e0a2b4d07")]
    [InlineData("ct-17", "4f6a8c02-1b3d-4e5f-9a7b-8c0e2a4b6d08")]
    [InlineData("ct-18", "")]
    [InlineData("ct-19", "7a9c1e35-2d4f-4a6b-8c0e-1f3a5c7e9b09")]
    [InlineData("ct-20", "7a9c1e35-2d4f-4a6b-8c0e-1f3a5c7e9b09")]
    [InlineData("ct-21", "")]
    public async Task CloudTrailRecord_MatchesExpectedRules(string eventId, string expectedRuleIds)
    {
        var ruleSet = CompileFixtures().RuleSet;
        var records = await TestLogs.CloudTrailAsync(File.ReadAllText(TestLogs.FixturePath("events/cloudtrail-rule-cases.json")));
        var record = Assert.Single(records, candidate => candidate.EventId == eventId);

        var matches = ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]);

        var expected = expectedRuleIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(expected, matches.Select(match => match.Rule.Header.Id!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FlowRule_MatchesRejectedSshFromOutside()
    {
        var ruleSet = CompileFixtures().RuleSet;
        var records = await TestLogs.FlowsAsync(File.ReadAllText(TestLogs.FixturePath("events/flow-rule-cases.log")));

        var matches = ruleSet.Match(SigmaLogSource.VpcFlow, records.Select(RuleEvent (record) => new FlowRuleEvent(record)).ToList());

        var match = Assert.Single(matches);
        Assert.Equal(0, match.RecordIndex);
        Assert.Equal("1d3f5b79-4c6e-4a8b-9d0f-4c6e8a0c2e12", match.Rule.Header.Id);
    }

    [Fact]
    public async Task DnsRule_MatchesTxtQueryWithHexLabel()
    {
        var ruleSet = CompileFixtures().RuleSet;
        var records = await TestLogs.QueriesAsync(File.ReadAllText(TestLogs.FixturePath("events/dns-rule-cases.jsonl")));

        var matches = ruleSet.Match(SigmaLogSource.Route53Resolver, records.Select(RuleEvent (record) => new DnsRuleEvent(record)).ToList());

        var match = Assert.Single(matches);
        Assert.Equal(0, match.RecordIndex);
        Assert.Equal("9f1b3d57-6e8a-4c0b-8d2f-5d7f9b1d3f13", match.Rule.Header.Id);
    }

    [Fact]
    public void FixtureRules_MapLevelsAndTagsToFindingTypes()
    {
        var rules = CompileFixtures().RuleSet.Rules.ToDictionary(rule => rule.Header.Id!);

        var saml = rules["6f3f4b0e-2a51-4c55-9d0b-7b1a6c2e9a01"].Header;
        Assert.Equal("Persistence:IAMUser/SigmaRule.Custom", saml.FindingType);
        Assert.Equal(8, saml.Severity);
        var flow = rules["1d3f5b79-4c6e-4a8b-9d0f-4c6e8a0c2e12"].Header;
        Assert.Equal("Recon:EC2/SigmaRule.Custom", flow.FindingType);
        Assert.Equal(2, flow.Severity);
        var denied = rules["0c2e4a68-3b5d-4f7a-9c1e-2a4c6e8a0c10"];
        Assert.Equal("Policy:IAMUser/SigmaRule.Custom", denied.Header.FindingType);
        Assert.False(denied.RaisesFindings);
    }
}
