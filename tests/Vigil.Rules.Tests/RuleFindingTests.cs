using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Rules.Correlation;
using Vigil.Rules.Tests.Support;

namespace Vigil.Rules.Tests;

/// <summary>The findings rule matches raise: type, severity, title, evidence and aggregation per rule and principal or endpoint.</summary>
public sealed class RuleFindingTests
{
    private static readonly DetectionContext Context = new("tenant-a", ThreatIntelSnapshot.Empty, new FixedTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    private static RuleSet Fixtures() => TestRules.Compile(
        Directory.GetFiles(TestLogs.FixturePath("rules"), "*.yml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray());

    [Fact]
    public async Task CloudTrailMatch_RaisesFindingWithRuleAndEvidence()
    {
        var records = await TestLogs.CloudTrailAsync(File.ReadAllText(TestLogs.FixturePath("events/cloudtrail-rule-cases.json")));
        var saml = records.Where(record => record.EventId is "ct-01" or "ct-02").ToList();

        var findings = Fixtures().InspectCloudTrail(saml, "111122223333/arn:aws:iam::111122223333:user/alice", Context, new CorrelationState());

        var finding = Assert.Single(findings);
        Assert.Equal("Persistence:IAMUser/SigmaRule.Custom", finding.Type);
        Assert.Equal(8, finding.Severity);
        Assert.Equal("AWS IAM SAML Provider Metadata Updated", finding.Title);
        Assert.StartsWith("Detects an update of the metadata document", finding.Description, StringComparison.Ordinal);
        Assert.Equal(1, finding.Service.Count);
        Assert.Equal("AccessKey", finding.Resource.ResourceType);
        Assert.Equal("UpdateSAMLProvider", finding.Service.Action.AwsApiCallAction!.Api);
        var info = finding.Service.AdditionalInfo!;
        Assert.Equal("6f3f4b0e-2a51-4c55-9d0b-7b1a6c2e9a01", info["ruleId"]);
        Assert.Equal("high", info["ruleLevel"]);
        Assert.Equal("iam.amazonaws.com", info["match.eventSource"]);
        Assert.Equal("UpdateSAMLProvider", info["match.eventName"]);
        Assert.False(info.ContainsKey("match.errorCode"));
        Assert.Equal("ct-01", info["eventId"]);
    }

    [Fact]
    public async Task RepeatedMatches_AggregatePerRuleAndPrincipal()
    {
        var ruleSet = TestRules.Compile(
            TestRules.CloudTrail("selection:\n    eventName: GetUser\ncondition: selection"),
            TestRules.CloudTrail("selection:\n    userIdentity.type: IAMUser\ncondition: selection").Replace("id: test-rule", "id: other-rule", StringComparison.Ordinal));
        var records = new[]
        {
            await TestLogs.OneAsync(TestLogs.Record("GetUser", id: "a1", time: "2026-03-05T10:00:00Z")),
            await TestLogs.OneAsync(TestLogs.Record("GetUser", id: "a2", time: "2026-03-05T11:00:00Z")),
        };

        var alice = ruleSet.InspectCloudTrail(records, "alice", Context, new CorrelationState());
        var bob = ruleSet.InspectCloudTrail(records, "bob", Context, new CorrelationState());

        Assert.Equal(2, alice.Count);
        Assert.All(alice, finding => Assert.Equal(2, finding.Service.Count));
        Assert.NotEqual(alice[0].Id, alice[1].Id);
        Assert.Empty(alice.Select(finding => finding.Id).Intersect(bob.Select(finding => finding.Id)));
        var first = alice.Single(finding => finding.Service.AdditionalInfo!["ruleKey"] == "test-rule");
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.Zero), first.Service.EventFirstSeen);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 11, 0, 0, TimeSpan.Zero), first.Service.EventLastSeen);
        Assert.EndsWith(first.Id, first.Arn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowMatch_RaisesNetworkFinding()
    {
        var records = await TestLogs.FlowsAsync(File.ReadAllText(TestLogs.FixturePath("events/flow-rule-cases.log")));

        var findings = Fixtures().InspectFlows(records, "111122223333/eni:eni-0a1b2c3d4e5f60001", Context, new CorrelationState());

        var finding = Assert.Single(findings);
        Assert.Equal("Recon:EC2/SigmaRule.Custom", finding.Type);
        Assert.Equal("Instance", finding.Resource.ResourceType);
        Assert.Equal("NETWORK_CONNECTION", finding.Service.Action.ActionType);
        Assert.Equal("22", finding.Service.AdditionalInfo!["match.dstport"]);
        Assert.Equal("REJECT", finding.Service.AdditionalInfo["match.action"]);
        Assert.False(finding.Service.AdditionalInfo.ContainsKey("match.srcaddr"));
        Assert.Equal("198.51.100.7", finding.Service.Action.NetworkConnectionAction!.RemoteIpDetails!.IpAddressV4);
    }

    [Fact]
    public async Task DnsMatch_RaisesDnsFinding()
    {
        var records = await TestLogs.QueriesAsync(File.ReadAllText(TestLogs.FixturePath("events/dns-rule-cases.jsonl")));

        var findings = Fixtures().InspectQueries(records, "111122223333/instance:i-0a1b2c3d4e5f60001", Context, new CorrelationState());

        var finding = Assert.Single(findings);
        Assert.Equal("Backdoor:EC2/SigmaRule.Custom", finding.Type);
        Assert.Equal("DNS_REQUEST", finding.Service.Action.ActionType);
        Assert.Equal("4a6f686e446f65736e744c696b6544415441.tunnel.example.net", finding.Service.Action.DnsRequestAction!.Domain);
    }

    [Fact]
    public async Task LongFieldValue_IsReadFromRawJson()
    {
        var longAgent = "aws-cli/2.15.0 " + new string('x', 9_000) + " endmarker";
        var record = await TestLogs.OneAsync(TestLogs.Record().Replace("aws-cli/2.15.0", longAgent, StringComparison.Ordinal));
        var ruleSet = TestRules.Compile(TestRules.CloudTrail("selection:\n    userAgent|endswith: endmarker\ncondition: selection"));

        Assert.Single(ruleSet.Match(SigmaLogSource.CloudTrail, [new Events.CloudTrailRuleEvent(record)]));
    }
}

/// <summary>Rules saved in dry-run mode count their matches and raise no findings.</summary>
public sealed class DryRunTests
{
    private static readonly Vigil.Detection.DetectionContext Context = new("tenant-a", Vigil.Detection.Intel.ThreatIntelSnapshot.Empty, new FixedTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    [Fact]
    public async Task DryRunRule_CountsWithoutFindings()
    {
        var yaml = TestRules.CloudTrail("selection:\n    eventName: GetUser\ncondition: selection");
        var ruleSet = RuleSetCompiler.Compile([new RuleSource("dry.yml", yaml) { DryRun = true }]).RuleSet;
        var records = new[]
        {
            await TestLogs.OneAsync(TestLogs.Record("GetUser", id: "d1")),
            await TestLogs.OneAsync(TestLogs.Record("GetUser", id: "d2")),
            await TestLogs.OneAsync(TestLogs.Record("ListUsers", id: "d3")),
        };

        var findings = ruleSet.InspectCloudTrail(records, "p", Context, new Correlation.CorrelationState());

        Assert.Empty(findings);
        var rule = Assert.Single(ruleSet.Rules);
        Assert.True(rule.Header.DryRun);
        Assert.Equal(2, rule.MatchCount);
    }

    [Fact]
    public async Task DryRunCorrelation_CountsHitsWithoutFindings()
    {
        var yaml = TestRules.CloudTrail("selection:\n    eventName: GetUser\ncondition: selection").Replace("id: test-rule", "id: test-rule\nname: get_user", StringComparison.Ordinal)
            + "\n---\ntitle: Two reads\nid: two-reads\ncorrelation:\n    type: event_count\n    rules:\n        - get_user\n    group-by:\n        - userIdentity.arn\n    timespan: 1h\n    condition:\n        gte: 2\n";
        var ruleSet = RuleSetCompiler.Compile([new RuleSource("dry.yml", yaml) { DryRun = true }]).RuleSet;
        var records = new[]
        {
            await TestLogs.OneAsync(TestLogs.Record("GetUser", id: "d1")),
            await TestLogs.OneAsync(TestLogs.Record("GetUser", id: "d2")),
        };

        var findings = ruleSet.InspectCloudTrail(records, "p", Context, new Correlation.CorrelationState());

        Assert.Empty(findings);
        Assert.Equal(1, Assert.Single(ruleSet.Correlations).HitCount);
    }
}
