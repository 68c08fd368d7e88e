using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Tests.Support;

namespace Vigil.Tests.Detection;

/// <summary>Builds normalised events and detection contexts for detector tests.</summary>
internal static class TestEvents
{
    public const string Account = "111122223333";

    public static readonly DateTimeOffset Time = new(2024, 3, 5, 10, 15, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = new(2024, 3, 6, 8, 0, 0, TimeSpan.Zero);

    public static UserIdentity Alice { get; } = new()
    {
        Type = "IAMUser",
        PrincipalId = "AIDAEXAMPLEUSER00001",
        Arn = "arn:aws:iam::111122223333:user/alice",
        AccountId = Account,
        AccessKeyId = "AKIAEXAMPLEKEY000001",
        UserName = "alice",
    };

    public static UserIdentity Root { get; } = new()
    {
        Type = "Root",
        PrincipalId = Account,
        Arn = "arn:aws:iam::111122223333:root",
        AccountId = Account,
    };

    /// <summary>The principal key of <see cref="Alice"/>'s events.</summary>
    public const string AlicePrincipalKey = "111122223333/arn:aws:iam::111122223333:user/alice";

    public const string Bucket = "example-reports";

    public static CloudTrailEvent ApiCall(
        string eventSource,
        string eventName,
        UserIdentity? identity,
        string? requestParameters = null,
        string? errorCode = null,
        string sourceIp = "203.0.113.50",
        DateTimeOffset? time = null) => new()
        {
            EventId = $"{eventName}-{(time ?? Time).ToUnixTimeMilliseconds()}",
            EventTime = time ?? Time,
            IngestTime = Now,
            EventSource = eventSource,
            EventName = eventName,
            AwsRegion = "us-east-1",
            SourceIpAddress = sourceIp,
            UserAgent = "aws-cli/2.15.0",
            ErrorCode = errorCode,
            EventType = "AwsApiCall",
            RecipientAccountId = Account,
            UserIdentity = identity,
            RequestParametersJson = requestParameters,
            RawJson = "{}",
        };

    /// <summary>Returns an S3 data event (eventCategory Data) on <see cref="Bucket"/>.</summary>
    public static CloudTrailEvent S3DataCall(
        string eventName,
        UserIdentity? identity,
        string? errorCode = null,
        string sourceIp = "203.0.113.50") =>
        ApiCall("s3.amazonaws.com", eventName, identity, $$"""{"bucketName": "{{Bucket}}", "key": "q3/summary.csv"}""", errorCode, sourceIp) with
        {
            EventCategory = "Data",
            ManagementEvent = false,
        };

    /// <summary>Returns a context for <paramref name="tenantId"/> whose threat lists contain the given entries.</summary>
    public static DetectionContext Context(string tenantId = "tenant-a", params (string Name, string Content)[] lists)
    {
        var registry = new ThreatIntelRegistry();
        var errors = registry.Load(tenantId, lists, new PlainTextListParser());
        Assert.Empty(errors);
        return new DetectionContext(tenantId, registry.For(tenantId), new FixedTimeProvider(Now));
    }

    public static IReadOnlyList<Contracts.Findings.Finding> Inspect(DetectionContext context, params CloudTrailEvent[] events) =>
        CloudTrailDetection.Default.Inspect(events, PrincipalKey.For(events[0]), context);
}
