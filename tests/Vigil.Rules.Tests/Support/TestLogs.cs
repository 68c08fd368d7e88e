using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Route53;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Rules.Tests.Support;

/// <summary>Reads test logs with Vigil's own readers, so rules see records exactly as the grains do.</summary>
internal static class TestLogs
{
    public static readonly DateTimeOffset IngestTime = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static string FixturePath(string relative) => Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    public static async Task<IReadOnlyList<CloudTrailEvent>> CloudTrailAsync(string json)
    {
        var events = new List<CloudTrailEvent>();
        var rejections = new List<string>();
        await new CloudTrailObjectReader().ReadAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json", IngestTime,
            batch => { events.AddRange(batch); return ValueTask.CompletedTask; },
            rejection => rejections.Add(rejection.ToString()),
            CancellationToken.None);
        Assert.Empty(rejections);
        return events;
    }

    /// <summary>Reads one CloudTrail record given as a JSON object.</summary>
    public static async Task<CloudTrailEvent> OneAsync(string recordJson) => Assert.Single(await CloudTrailAsync("{\"Records\":[" + recordJson + "]}"));

    public static async Task<IReadOnlyList<FlowRecord>> FlowsAsync(string text)
    {
        var records = new List<FlowRecord>();
        await new VpcFlowTextReader().ReadAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(text)), "flows.log", IngestTime,
            batch => { records.AddRange(batch); return ValueTask.CompletedTask; },
            rejection => Assert.Fail(rejection.ToString()),
            CancellationToken.None);
        return records;
    }

    public static async Task<IReadOnlyList<DnsQueryRecord>> QueriesAsync(string text)
    {
        var records = new List<DnsQueryRecord>();
        await new Route53QueryLogReader().ReadAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(text)), "queries.jsonl", IngestTime,
            batch => { records.AddRange(batch); return ValueTask.CompletedTask; },
            rejection => Assert.Fail(rejection.ToString()),
            CancellationToken.None);
        return records;
    }

    /// <summary>Returns a CloudTrail record of alice calling <paramref name="eventName"/>, with extra top-level members spliced in.</summary>
    public static string Record(string eventName = "ListBuckets", string extra = "", string time = "2026-03-05T10:00:00Z", string id = "e-1", string user = "alice") => $$"""
        {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE{{user}}","arn":"arn:aws:iam::111122223333:user/{{user}}","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEKEY000001","userName":"{{user}}"},
         "eventTime":"{{time}}","eventSource":"s3.amazonaws.com","eventName":"{{eventName}}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.14",
         "userAgent":"aws-cli/2.15.0","requestID":"r-{{id}}","eventID":"{{id}}","eventType":"AwsApiCall","recipientAccountId":"111122223333"{{extra}}}
        """;
}

/// <summary>Compiles rules for a test and fails with every diagnostic when one is an error.</summary>
internal static class TestRules
{
    public static RuleSet Compile(params string[] yaml)
    {
        var compilation = RuleSetCompiler.Compile(yaml.Select((text, i) => new RuleSource($"rule{i}.yml", text)));
        Assert.False(compilation.HasErrors, string.Join(Environment.NewLine, compilation.Diagnostics));
        return compilation.RuleSet;
    }

    public static IReadOnlyList<RuleDiagnostic> Errors(string yaml) =>
        RuleSetCompiler.Compile([new RuleSource("bad.yml", yaml)]).Diagnostics.Where(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error).ToList();

    /// <summary>A CloudTrail rule with the given detection block (indented by four spaces under 'detection:').</summary>
    public static string CloudTrail(string detection, string extra = "") => $"""
        title: Test rule
        id: test-rule
        logsource:
            product: aws
            service: cloudtrail
        detection:
        {Indent(detection)}
        level: high
        {extra}
        """;

    public static string Indent(string block) => string.Join('\n', block.Split('\n').Select(line => "    " + line));
}

/// <summary>A clock that always returns the same instant.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
