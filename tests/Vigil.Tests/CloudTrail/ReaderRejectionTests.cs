using System.Text;
using Vigil.Contracts.Storage;
using Vigil.Ingestion.CloudTrail;
using Vigil.Tests.Support;

namespace Vigil.Tests.CloudTrail;

/// <summary>Bad, truncated and oversized records: what is rejected, where, and what is still read.</summary>
public sealed class ReaderRejectionTests
{
    [Fact]
    public async Task Reader_BadRecordsInMiddle_ReadsNeighbours()
    {
        var read = await CloudTrailRead.FixtureAsync("bad-records-in-middle.json");

        Assert.Equal(
            ["00000000-0000-4000-8000-000000000701", "00000000-0000-4000-8000-000000000705"],
            read.Events.Select(e => e.EventId));
        Assert.Equal(2, read.Summary.RecordsRead);
        Assert.Equal(3, read.Summary.RecordsRejected);
        Assert.Equal(ObjectKind.CloudTrail, read.Summary.Kind);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_MissingEventTime_RejectedWithLine()
    {
        var rejection = (await CloudTrailRead.FixtureAsync("bad-records-in-middle.json")).Rejections[0];

        Assert.Equal("bad-records-in-middle.json", rejection.ObjectName);
        Assert.Equal(3, rejection.Line);
        Assert.Equal(1, rejection.RecordIndex);
        Assert.Equal("eventTime", rejection.Field);
        Assert.Equal("missing", rejection.Reason);
        Assert.Equal(LineStartOffset("bad-records-in-middle.json", 3), rejection.ByteOffset);
    }

    [Fact]
    public async Task Reader_EventTimeObject_RejectedWithLine()
    {
        var rejection = (await CloudTrailRead.FixtureAsync("bad-records-in-middle.json")).Rejections[1];

        Assert.Equal(4, rejection.Line);
        Assert.Equal(2, rejection.RecordIndex);
        Assert.Equal("eventTime", rejection.Field);
        Assert.Contains("object", rejection.Reason);
        Assert.Equal(LineStartOffset("bad-records-in-middle.json", 4), rejection.ByteOffset);
    }

    [Fact]
    public async Task Reader_StringRecord_RejectedWithLine()
    {
        var rejection = (await CloudTrailRead.FixtureAsync("bad-records-in-middle.json")).Rejections[2];

        Assert.Equal(5, rejection.Line);
        Assert.Equal(3, rejection.RecordIndex);
        Assert.Null(rejection.Field);
        Assert.Contains("string", rejection.Reason);
        Assert.Equal(LineStartOffset("bad-records-in-middle.json", 5), rejection.ByteOffset);
    }

    [Fact]
    public async Task Reader_TruncatedFile_KeepsEventsBeforeCut()
    {
        var read = await CloudTrailRead.FixtureAsync("truncated.json");

        Assert.Equal(
            ["00000000-0000-4000-8000-000000000801", "00000000-0000-4000-8000-000000000802"],
            read.Events.Select(e => e.EventId));
        Assert.Equal(2, read.Summary.RecordsRead);
    }

    [Fact]
    public async Task Reader_TruncatedFile_ErrorNamesLine()
    {
        var read = await CloudTrailRead.FixtureAsync("truncated.json");

        Assert.NotNull(read.Summary.Error);
        Assert.StartsWith("truncated.json: line 4 ", read.Summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_OversizedRecord_RejectedWithSize()
    {
        var options = new CloudTrailReaderOptions { MaxRecordBytes = 4096 };
        var recordSize = Encoding.UTF8.GetByteCount(File.ReadAllLines(Fixture.PathOf("CloudTrail/oversized-record.json"))[2].TrimEnd(','));

        var read = await CloudTrailRead.FixtureAsync("oversized-record.json", options);

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(3, rejection.Line);
        Assert.Equal(1, rejection.RecordIndex);
        Assert.Null(rejection.Field);
        Assert.Contains($"{recordSize} bytes", rejection.Reason);
        Assert.Contains("4096", rejection.Reason);
    }

    [Fact]
    public async Task Reader_OversizedRecord_ReadsFollowingRecord()
    {
        var options = new CloudTrailReaderOptions { MaxRecordBytes = 4096 };

        var read = await CloudTrailRead.FixtureAsync("oversized-record.json", options);

        Assert.Equal(
            ["00000000-0000-4000-8000-000000000901", "00000000-0000-4000-8000-000000000903"],
            read.Events.Select(e => e.EventId));
        Assert.Equal(1, read.Summary.RecordsRejected);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_OversizedRecordAcrossBuffers_RejectedWithSize()
    {
        // A record of about 200 KB, larger than the reader's first buffer, made of many short
        // tokens: the reader skips it token by token instead of buffering it whole.
        var items = string.Join(", ", Enumerable.Repeat("\"" + new string('x', 100) + "\"", 2000));
        var big = ApiCall("big", "{\"items\": [" + items + "]}");
        var content = Encoding.UTF8.GetBytes("{\"Records\": [\n" + ApiCall("before", "null") + ",\n" + big + ",\n" + ApiCall("after", "null") + "\n]}\n");
        var options = new CloudTrailReaderOptions { MaxRecordBytes = 4096 };

        var read = await CloudTrailRead.BytesAsync(content, "big.json", options);

        Assert.Equal(["before", "after"], read.Events.Select(e => e.EventId));
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(3, rejection.Line);
        Assert.Contains($"{Encoding.UTF8.GetByteCount(big)} bytes", rejection.Reason);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_TokenOverTwiceLimit_StopsWithError()
    {
        // Utf8JsonReader cannot skip part of a token, so a string longer than both the read buffer
        // and twice MaxRecordBytes stops the object instead of rejecting only its record.
        var big = ApiCall("big", "\"" + new string('x', 200_000) + "\"");
        var content = Encoding.UTF8.GetBytes("{\"Records\": [\n" + ApiCall("before", "null") + ",\n" + big + ",\n" + ApiCall("after", "null") + "\n]}\n");
        var options = new CloudTrailReaderOptions { MaxRecordBytes = 4096 };

        var read = await CloudTrailRead.BytesAsync(content, "big-token.json", options);

        Assert.Equal(["before"], read.Events.Select(e => e.EventId));
        Assert.NotNull(read.Summary.Error);
        Assert.StartsWith("big-token.json: line 3 ", read.Summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_RecordAtSizeLimit_IsRead()
    {
        var record = ApiCall("at-limit", "null");
        var options = new CloudTrailReaderOptions { MaxRecordBytes = Encoding.UTF8.GetByteCount(record) };
        var content = Encoding.UTF8.GetBytes("{\"Records\": [" + record + "]}");

        var read = await CloudTrailRead.BytesAsync(content, "limit.json", options);

        Assert.Equal("at-limit", Assert.Single(read.Events).EventId);
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Reader_LoneSurrogateEscape_KeepsRecord()
    {
        // JSON allows the escape \ud800 on its own, but it is not valid UTF-16, so .NET cannot turn
        // it into a string. The record must still be read, because the user agent is caller-controlled.
        var content = Encoding.UTF8.GetBytes(
            "{\"Records\": [\n" +
            """{"eventTime": "2024-03-05T10:00:00Z", "eventID": "surrogate", "userAgent": "agent-\ud800-end", "eventName": "ListBuckets"},""" + "\n" +
            """{"eventTime": "2024-03-05T10:00:01Z", "eventID": "after"}""" + "\n]}");

        var read = await CloudTrailRead.BytesAsync(content, "surrogate.json");

        Assert.Equal(["surrogate", "after"], read.Events.Select(e => e.EventId));
        Assert.Equal("ListBuckets", read.Events[0].EventName);
        Assert.NotNull(read.Events[0].UserAgent);
        Assert.StartsWith("agent-", read.Events[0].UserAgent!, StringComparison.Ordinal);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_InvalidUtf8InString_KeepsReading()
    {
        var prefix = Encoding.UTF8.GetBytes("{\"Records\": [\n{\"eventTime\": \"2024-03-05T10:00:00Z\", \"eventID\": \"bad-utf8\", \"userAgent\": \"agent-");
        var suffix = Encoding.UTF8.GetBytes("-end\"},\n{\"eventTime\": \"2024-03-05T10:00:01Z\", \"eventID\": \"after\"}\n]}");
        byte[] content = [.. prefix, 0xFF, 0xFE, .. suffix];

        var read = await CloudTrailRead.BytesAsync(content, "bad-utf8.json");

        Assert.Contains("after", read.Events.Select(e => e.EventId));
        Assert.Equal(2, read.Summary.RecordsRead + read.Summary.RecordsRejected);
    }

    [Theory]
    [InlineData("2024-02-30T10:00:00Z")]
    [InlineData("2024-03-05T24:00:00Z")]
    [InlineData("0000-03-05T10:00:00Z")]
    [InlineData("2024-03-05 10:00:00Z")]
    public async Task Reader_ImpossibleEventTime_Rejected(string eventTime)
    {
        var content = Encoding.UTF8.GetBytes($$"""{"Records": [{"eventTime": "{{eventTime}}", "eventID": "bad-time"}]}""");

        var rejection = Assert.Single((await CloudTrailRead.BytesAsync(content)).Rejections);

        Assert.Equal("eventTime", rejection.Field);
        Assert.Equal($"invalid time '{eventTime}'", rejection.Reason);
    }

    [Theory]
    [InlineData("2024-02-29T23:59:59Z", "2024-02-29T23:59:59+00:00")]
    [InlineData("2024-03-05T10:00:00.123Z", "2024-03-05T10:00:00.1230000+00:00")]
    [InlineData("2024-03-05T12:00:00+02:00", "2024-03-05T10:00:00+00:00")]
    [InlineData("2024-03-05T10:00:00", "2024-03-05T10:00:00+00:00")]
    public async Task Reader_EventTimeForms_ReadAsUtc(string eventTime, string expected)
    {
        var content = Encoding.UTF8.GetBytes($$"""{"Records": [{"eventTime": "{{eventTime}}", "eventID": "time"}]}""");

        var read = await CloudTrailRead.BytesAsync(content);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(read.Events).EventTime);
        Assert.Equal(TimeSpan.Zero, read.Events[0].EventTime.Offset);
    }

    [Fact]
    public async Task Reader_EscapedFieldNames_ReadAsTheirText()
    {
        var content = Encoding.UTF8.GetBytes("""{"Records": [{"event\u0054ime": "2024-03-05T10:00:00Z", "eventID": "escaped", "event\u004eame": "GetUser", "userIdentity": {"\u0074ype": "IAMUser"}}]}""");

        var cloudTrailEvent = Assert.Single((await CloudTrailRead.BytesAsync(content)).Events);

        Assert.Equal("GetUser", cloudTrailEvent.EventName);
        Assert.Equal("IAMUser", cloudTrailEvent.UserIdentity?.Type);
    }

    [Fact]
    public async Task Reader_ManyRecordsAcrossRefills_EachReadOnce()
    {
        // Records of about 1 KB across a 64 KiB buffer, so many of them straddle a refill and are read again from their start.
        var records = Enumerable.Range(0, 500).Select(i => ApiCall($"id-{i}", $$"""{"policyDocument": "{{new string('x', 900 + (i % 7))}}"}"""));
        var content = Encoding.UTF8.GetBytes($$"""{"Records": [{{string.Join(",\n", records)}}]}""");

        var read = await CloudTrailRead.BytesAsync(content);

        Assert.Empty(read.Rejections);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"id-{i}"), read.Events.Select(e => e.EventId));
        Assert.All(read.Events, e => Assert.StartsWith("{\"policyDocument\": \"xxx", e.RequestParametersJson, StringComparison.Ordinal));
    }

    private static string ApiCall(string eventId, string requestParameters) =>
        $$"""{"eventTime": "2024-03-05T10:00:00Z", "eventSource": "iam.amazonaws.com", "eventName": "PutUserPolicy", "eventID": "{{eventId}}", "requestParameters": {{requestParameters}}}""";

    /// <summary>Returns the byte offset at which 1-based line <paramref name="line"/> of a fixture starts.</summary>
    private static long LineStartOffset(string fixture, int line)
    {
        var bytes = Fixture.Bytes("CloudTrail/" + fixture);
        var offset = 0;
        for (var current = 1; current < line; current++)
        {
            offset = Array.IndexOf(bytes, (byte)'\n', offset) + 1;
        }

        return offset;
    }
}
