using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Detectors;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Tests.Support;

namespace Vigil.Tests.CloudTrail;

/// <summary>Objects that are not plain API-call logs: digests, empty logs, Insights events and repeats.</summary>
public sealed class ReaderObjectKindTests
{
    [Fact]
    public async Task Reader_DigestFile_IsRecognised()
    {
        var read = await CloudTrailRead.FixtureAsync("digest.json");

        Assert.Equal(ObjectKind.CloudTrailDigest, read.Summary.Kind);
        Assert.Empty(read.Events);
        Assert.Empty(read.Rejections);
        Assert.Equal(0, read.Summary.RecordsRead);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_EmptyRecords_ReadsNothing()
    {
        var read = await CloudTrailRead.FixtureAsync("empty-records.json");

        Assert.Equal(ObjectKind.CloudTrail, read.Summary.Kind);
        Assert.Empty(read.Events);
        Assert.Equal(0, read.Batches);
        Assert.Equal(0, read.Summary.RecordsRead);
        Assert.Equal(0, read.Summary.RecordsRejected);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_EmptyObject_IsUnknownWithError()
    {
        var read = await CloudTrailRead.BytesAsync("{}"u8.ToArray(), "empty-object.json");

        Assert.Equal(ObjectKind.Unknown, read.Summary.Kind);
        Assert.NotNull(read.Summary.Error);
        Assert.Contains("empty-object.json", read.Summary.Error);
    }

    [Fact]
    public async Task Reader_EmptyFile_ReportsEmptyObject()
    {
        var read = await CloudTrailRead.BytesAsync([], "empty.json");

        Assert.Empty(read.Events);
        Assert.NotNull(read.Summary.Error);
        Assert.Contains("empty", read.Summary.Error);
    }

    [Fact]
    public async Task Reader_TopLevelArray_ReportsNotAnObject()
    {
        var read = await CloudTrailRead.BytesAsync("[{\"eventTime\": \"2024-03-05T10:00:00Z\"}]"u8.ToArray(), "array.json");

        Assert.Empty(read.Events);
        Assert.NotNull(read.Summary.Error);
        Assert.Contains("not a JSON object", read.Summary.Error);
    }

    [Fact]
    public async Task Reader_InsightEvent_IsReadWithoutIdentity()
    {
        var read = await CloudTrailRead.FixtureAsync("insight-then-api-call.json");

        Assert.Equal(2, read.Events.Count);
        Assert.Empty(read.Rejections);
        Assert.Null(read.Summary.Error);

        var insight = read.Events[0];
        Assert.Null(insight.UserIdentity);
        Assert.Null(insight.SourceIpAddress);
        Assert.Null(insight.EventName);
        Assert.Equal("AwsCloudTrailInsight", insight.EventType);
        Assert.Equal("111122223333", insight.AccountId);
        Assert.NotNull(insight.Insight);
        Assert.Equal("Start", insight.Insight.State);
        Assert.Equal("ec2.amazonaws.com", insight.Insight.EventSource);
        Assert.Equal("RunInstances", insight.Insight.EventName);
        Assert.Equal("ApiCallRateInsight", insight.Insight.InsightType);
    }

    [Fact]
    public async Task Reader_EventAfterInsight_IsReadNormally()
    {
        var apiCall = (await CloudTrailRead.FixtureAsync("insight-then-api-call.json")).Events[1];

        Assert.Null(apiCall.Insight);
        Assert.Equal("RunInstances", apiCall.EventName);
        Assert.Equal("alice", apiCall.UserIdentity?.UserName);
        Assert.Equal("192.0.2.10", apiCall.SourceIpAddress);
        Assert.False(apiCall.ReadOnly);
        Assert.True(apiCall.ManagementEvent);
        Assert.Equal("00000000-0000-4000-8000-0000000002bb", apiCall.RequestId);
    }

    [Fact]
    public async Task Detection_InsightEvent_RaisesNothing()
    {
        var events = (await CloudTrailRead.FixtureAsync("insight-then-api-call.json")).Events;
        var context = ContextListing("192.0.2.0/24");

        // The same context does raise a finding for the API call that follows, so the empty
        // result for the Insights event is not just an unarmed threat list.
        var forInsight = CloudTrailDetection.Default.Inspect([events[0]], PrincipalKey.For(events[0]), context);
        var forApiCall = CloudTrailDetection.Default.Inspect([events[1]], PrincipalKey.For(events[1]), context);

        Assert.Empty(forInsight);
        Assert.Equal(CustomThreatListCallerDetector.FindingType, Assert.Single(forApiCall).Type);
        Assert.Equal("111122223333/(no identity)", PrincipalKey.For(events[0]));
    }

    [Fact]
    public async Task Reader_DuplicateEventIds_ReturnsEveryCopy()
    {
        var first = await CloudTrailRead.FixtureAsync("duplicate-events-a.json");
        var second = await CloudTrailRead.FixtureAsync("duplicate-events-b.json");
        var all = first.Events.Concat(second.Events).ToList();

        Assert.Equal(2, first.Events.Count);
        Assert.Single(second.Events);
        Assert.All(all, e => Assert.Equal("00000000-0000-4000-8000-000000000501", e.EventId));
        Assert.All(all, e => Assert.Equal(first.Events[0].RawJson, e.RawJson));
    }

    [Fact]
    public async Task PrincipalKey_DuplicateEvents_GiveOneKey()
    {
        var first = await CloudTrailRead.FixtureAsync("duplicate-events-a.json");
        var second = await CloudTrailRead.FixtureAsync("duplicate-events-b.json");

        var keys = first.Events.Concat(second.Events).Select(PrincipalKey.For).Distinct().ToList();

        Assert.Equal(["111122223333/arn:aws:iam::111122223333:role/Deployer"], keys);
    }

    [Fact]
    public async Task Reader_MissingEventId_UsesHashOfRecord()
    {
        var json = """{"Records": [{"eventTime": "2024-03-05T10:00:00Z"}, {"eventTime": "2024-03-05T10:00:00Z"}, {"eventTime": "2024-03-05T10:00:01Z"}]}"""u8.ToArray();

        var events = (await CloudTrailRead.BytesAsync(json)).Events;

        Assert.StartsWith("sha256:", events[0].EventId, StringComparison.Ordinal);
        Assert.Equal(events[0].EventId, events[1].EventId);
        Assert.NotEqual(events[0].EventId, events[2].EventId);
    }

    private static DetectionContext ContextListing(string entry)
    {
        var registry = new ThreatIntelRegistry();
        var errors = registry.Load("tenant-a", [("test-list", entry + "\n")], new PlainTextListParser());
        Assert.Empty(errors);
        return new DetectionContext("tenant-a", registry.For("tenant-a"), new FixedTimeProvider(CloudTrailRead.IngestTime));
    }
}
