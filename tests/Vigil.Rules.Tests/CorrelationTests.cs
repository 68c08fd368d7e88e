using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Rules.Correlation;
using Vigil.Rules.Tests.Support;

namespace Vigil.Rules.Tests;

/// <summary>Correlation rules over event time, with group-by, timespan and the generate flag.</summary>
public sealed class CorrelationTests
{
    private static readonly DetectionContext Context = new("tenant-a", ThreatIntelSnapshot.Empty, new FixedTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    private const string BaseRules = """
        title: Denied call
        name: denied
        logsource:
            product: aws
            service: cloudtrail
        detection:
            selection:
                errorCode: AccessDenied
            condition: selection
        ---
        title: Key listed
        name: list_keys
        logsource:
            product: aws
            service: cloudtrail
        detection:
            selection:
                eventName: ListAccessKeys
            condition: selection
        ---
        title: Key created
        name: create_key
        logsource:
            product: aws
            service: cloudtrail
        detection:
            selection:
                eventName: CreateAccessKey
            condition: selection
        """;

    private static string Correlation(string body, string generate = "") => BaseRules + $"""

        ---
        title: Correlated
        id: corr-1
        level: high
        {generate}
        correlation:
        {TestRules.Indent(body)}
        """;

    private static async Task<List<CloudTrailEvent>> EventsAsync(params (string Name, int Second, string User, bool Denied)[] calls)
    {
        var records = new List<CloudTrailEvent>();
        var i = 0;
        foreach (var (name, second, user, denied) in calls)
        {
            var time = new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.Zero).AddSeconds(second).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var extra = denied ? ",\"errorCode\":\"AccessDenied\"" : string.Empty;
            records.Add(await TestLogs.OneAsync(TestLogs.Record(name, extra, time, $"e-{i++}", user)));
        }

        return records;
    }

    private static IEnumerable<Contracts.Findings.Finding> Correlated(IReadOnlyList<Contracts.Findings.Finding> findings) =>
        findings.Where(finding => finding.Service.AdditionalInfo!["ruleKey"] == "corr-1");

    [Fact]
    public async Task EventCount_FiresWhenThresholdReachedInTimespan()
    {
        var ruleSet = TestRules.Compile(Correlation("type: event_count\nrules:\n    - denied\ngroup-by:\n    - userIdentity.arn\ntimespan: 1m\ncondition:\n    gte: 3"));
        var state = new CorrelationState();
        var events = await EventsAsync(("GetUser", 0, "alice", true), ("GetUser", 20, "alice", true), ("GetUser", 50, "alice", true), ("GetUser", 55, "bob", true));

        var findings = ruleSet.InspectCloudTrail(events, "p", Context, state);

        var finding = Assert.Single(Correlated(findings));
        Assert.Equal("Policy:IAMUser/SigmaCorrelation.Custom", finding.Type);
        Assert.Equal(8, finding.Severity);
        Assert.Equal("3", finding.Service.AdditionalInfo!["correlationCount"]);
        Assert.Equal("arn:aws:iam::111122223333:user/alice", finding.Service.AdditionalInfo["group.userIdentity.arn"]);
        Assert.Equal("event_count", finding.Service.AdditionalInfo["correlationType"]);
    }

    [Fact]
    public async Task EventCount_IgnoresEventsSpreadBeyondTimespan()
    {
        var ruleSet = TestRules.Compile(Correlation("type: event_count\nrules:\n    - denied\ngroup-by:\n    - userIdentity.arn\ntimespan: 1m\ncondition:\n    gte: 3"));
        var events = await EventsAsync(("GetUser", 0, "alice", true), ("GetUser", 50, "alice", true), ("GetUser", 100, "alice", true), ("GetUser", 20, "bob", true), ("GetUser", 30, "bob", true));

        var findings = ruleSet.InspectCloudTrail(events, "p", Context, new CorrelationState());

        Assert.Empty(Correlated(findings));
    }

    [Fact]
    public async Task EventCount_KeepsWindowsAcrossChunks()
    {
        var ruleSet = TestRules.Compile(Correlation("type: event_count\nrules:\n    - denied\ngroup-by:\n    - userIdentity.arn\ntimespan: 1m\ncondition:\n    gte: 3"));
        var state = new CorrelationState();
        var first = await EventsAsync(("GetUser", 0, "alice", true), ("GetUser", 10, "alice", true));
        var second = await EventsAsync(("GetUser", 30, "alice", true));

        Assert.Empty(Correlated(ruleSet.InspectCloudTrail(first, "p", Context, state)));
        Assert.Single(Correlated(ruleSet.InspectCloudTrail(second, "p", Context, state)));
    }

    [Fact]
    public async Task EventCount_OutOfOrderEventsCompleteWindow()
    {
        var ruleSet = TestRules.Compile(Correlation("type: event_count\nrules:\n    - denied\ngroup-by:\n    - userIdentity.arn\ntimespan: 1m\ncondition:\n    gte: 3"));
        var events = await EventsAsync(("GetUser", 50, "alice", true), ("GetUser", 10, "alice", true), ("GetUser", 30, "alice", true));

        Assert.Single(Correlated(ruleSet.InspectCloudTrail(events, "p", Context, new CorrelationState())));
    }

    [Fact]
    public async Task EventCount_DropsEventsOlderThanTimespanBeforeNewest()
    {
        var ruleSet = TestRules.Compile(Correlation("type: event_count\nrules:\n    - denied\ngroup-by:\n    - userIdentity.arn\ntimespan: 1m\ncondition:\n    gte: 3"));
        var events = await EventsAsync(("GetUser", 50, "alice", true), ("GetUser", 200, "alice", true), ("GetUser", 10, "alice", true), ("GetUser", 30, "alice", true));

        Assert.Empty(Correlated(ruleSet.InspectCloudTrail(events, "p", Context, new CorrelationState())));
    }

    [Fact]
    public async Task ValueCount_CountsDistinctValues()
    {
        var ruleSet = TestRules.Compile(Correlation("type: value_count\nrules:\n    - denied\ngroup-by:\n    - awsRegion\ntimespan: 10m\ncondition:\n    field: userIdentity.userName\n    gte: 3"));
        var twoUsers = await EventsAsync(("GetUser", 0, "alice", true), ("GetUser", 10, "alice", true), ("GetUser", 20, "bob", true), ("GetUser", 30, "bob", true));
        var third = await EventsAsync(("GetUser", 40, "carol", true));
        var state = new CorrelationState();

        Assert.Empty(Correlated(ruleSet.InspectCloudTrail(twoUsers, "p", Context, state)));
        var finding = Assert.Single(Correlated(ruleSet.InspectCloudTrail(third, "p", Context, state)));
        Assert.Equal("3", finding.Service.AdditionalInfo!["correlationCount"]);
        Assert.Equal("5", finding.Service.AdditionalInfo["correlationEvents"]);
    }

    [Fact]
    public async Task Temporal_NeedsEveryRuleInTimespan()
    {
        var ruleSet = TestRules.Compile(Correlation("type: temporal\nrules:\n    - list_keys\n    - create_key\ngroup-by:\n    - userIdentity.arn\ntimespan: 5m"));
        var onlyOne = await EventsAsync(("ListAccessKeys", 0, "alice", false), ("ListAccessKeys", 10, "alice", false), ("CreateAccessKey", 20, "bob", false));
        var both = await EventsAsync(("CreateAccessKey", 60, "alice", false));
        var state = new CorrelationState();

        Assert.Empty(Correlated(ruleSet.InspectCloudTrail(onlyOne, "p", Context, state)));
        Assert.Single(Correlated(ruleSet.InspectCloudTrail(both, "p", Context, state)));
    }

    [Fact]
    public async Task TemporalOrdered_NeedsRuleOrder()
    {
        var ruleSet = TestRules.Compile(Correlation("type: temporal_ordered\nrules:\n    - list_keys\n    - create_key\ngroup-by:\n    - userIdentity.arn\ntimespan: 5m"));
        var wrongOrder = await EventsAsync(("CreateAccessKey", 0, "alice", false), ("ListAccessKeys", 10, "alice", false));
        var rightOrder = await EventsAsync(("ListAccessKeys", 0, "bob", false), ("CreateAccessKey", 10, "bob", false));

        Assert.Empty(Correlated(ruleSet.InspectCloudTrail(wrongOrder, "p", Context, new CorrelationState())));
        Assert.Single(Correlated(ruleSet.InspectCloudTrail(rightOrder, "p", Context, new CorrelationState())));
    }

    [Fact]
    public async Task ReferredRules_RaiseNothingUnlessGenerate()
    {
        var body = "type: event_count\nrules:\n    - denied\ngroup-by:\n    - userIdentity.arn\ntimespan: 1m\ncondition:\n    gte: 5";
        var events = await EventsAsync(("GetUser", 0, "alice", true));

        var silent = TestRules.Compile(Correlation(body)).InspectCloudTrail(events, "p", Context, new CorrelationState());
        var generated = TestRules.Compile(Correlation(body, "generate: true")).InspectCloudTrail(events, "p", Context, new CorrelationState());

        Assert.Empty(silent);
        var finding = Assert.Single(generated);
        Assert.Equal("denied", finding.Service.AdditionalInfo!["ruleKey"]);
    }

    [Fact]
    public async Task State_KeepsAtMostMaxGroups()
    {
        var ruleSet = TestRules.Compile(Correlation("type: event_count\nrules:\n    - denied\ngroup-by:\n    - requestID\ntimespan: 1h\ncondition:\n    gte: 2"));
        var state = new CorrelationState();
        var record = await TestLogs.OneAsync(TestLogs.Record("GetUser", ",\"errorCode\":\"AccessDenied\""));
        var many = Enumerable.Range(0, CorrelationState.MaxGroups + 50).Select(i => record with { RawJson = record.RawJson.ToString().Replace("\"r-e-1\"", $"\"r-{i}\"", StringComparison.Ordinal), EventId = $"x{i}" }).ToList();

        ruleSet.InspectCloudTrail(many, "p", Context, state);

        Assert.Equal(CorrelationState.MaxGroups, state.GroupCount);
    }

    [Theory]
    [InlineData("type: event_count\nrules:\n    - unknown_rule\ntimespan: 1m\ncondition:\n    gte: 2", "correlation.rules", "no detection rule")]
    [InlineData("type: event_count\nrules:\n    - denied\ntimespan: 1 hour\ncondition:\n    gte: 2", "correlation.timespan", "invalid timespan")]
    [InlineData("type: event_count\nrules:\n    - denied\ntimespan: 30d\ncondition:\n    gte: 2", "correlation.timespan", "longer than")]
    [InlineData("type: value_count\nrules:\n    - denied\ntimespan: 1m\ncondition:\n    gte: 2", "correlation.condition", "needs 'field'")]
    [InlineData("type: event_count\nrules:\n    - denied\ntimespan: 1m", "correlation.condition", "needs a condition")]
    [InlineData("type: value_sum\nrules:\n    - denied\ntimespan: 1m", "correlation.type", "unsupported correlation type")]
    [InlineData("type: event_count\nrules:\n    - denied\ntimespan: 1m\ncondition:\n    most: 2", "correlation.condition.most", "unknown condition")]
    public void InvalidCorrelation_IsRejectedWithReason(string body, string field, string reason)
    {
        var error = Assert.Single(TestRules.Errors(Correlation(body)));

        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
