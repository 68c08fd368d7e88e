using System.Text;
using Vigil.Contracts.Events;
using Vigil.Tests.Support;

namespace Vigil.Tests.CloudTrail;

/// <summary>
/// Records that cross the reader's buffer boundaries. The reader fills a 64 KiB buffer before it
/// scans, so only content larger than that exercises the refill and grow paths.
/// </summary>
public sealed class ReaderBufferTests
{
    [Fact]
    public async Task Reader_OneBytePerRead_MatchesWholeRead()
    {
        var content = LargeLog(recordCount: 600, bigRecordBytes: 150_000);
        Assert.True(content.Length > 3 * 64 * 1024);

        var whole = await CloudTrailRead.BytesAsync(content, "large.json");
        var trickle = new OneBytePerReadStream(content);
        var piecewise = await CloudTrailRead.StreamAsync(trickle, "large.json");

        Assert.Equal(601, whole.Events.Count);
        Assert.Equal(Describe(whole.Events), Describe(piecewise.Events));
        Assert.Empty(piecewise.Rejections);
        Assert.Null(piecewise.Summary.Error);
        Assert.True(trickle.ReadCalls > content.Length);
        Assert.True(piecewise.Batches > 1);
    }

    [Fact]
    public async Task Reader_OneBytePerRead_MatchesForFixture()
    {
        var content = Fixture.Bytes("CloudTrail/identity-types.json");

        var whole = await CloudTrailRead.BytesAsync(content, "identity-types.json");
        var piecewise = await CloudTrailRead.StreamAsync(new OneBytePerReadStream(content), "identity-types.json");

        Assert.Equal(12, piecewise.Events.Count);
        Assert.Equal(Describe(whole.Events), Describe(piecewise.Events));
        Assert.Equal(whole.Events.Select(e => e.UserIdentity), piecewise.Events.Select(e => e.UserIdentity));
    }

    [Fact]
    public async Task Reader_RecordLargerThanBuffer_IsReadWhole()
    {
        var content = LargeLog(recordCount: 10, bigRecordBytes: 300_000);

        var read = await CloudTrailRead.BytesAsync(content, "large.json");

        Assert.Equal(11, read.Events.Count);
        var big = Assert.Single(read.Events, e => e.EventId == "big");
        Assert.Equal(300_000 + "{\"blob\": \"\"}".Length, big.RequestParametersJson?.Length);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_ManyRecords_DeliversInFileOrder()
    {
        var content = LargeLog(recordCount: 600, bigRecordBytes: 1_000);

        var read = await CloudTrailRead.StreamAsync(new OneBytePerReadStream(content), "large.json");

        var expected = Enumerable.Range(0, 300).Select(i => $"event-{i:D4}")
            .Append("big")
            .Concat(Enumerable.Range(300, 300).Select(i => $"event-{i:D4}"));
        Assert.Equal(expected, read.Events.Select(e => e.EventId));
    }

    /// <summary>
    /// Builds a log of <paramref name="recordCount"/> small records with one record in the middle whose
    /// <c>requestParameters.blob</c> string is <paramref name="bigRecordBytes"/> long.
    /// </summary>
    private static byte[] LargeLog(int recordCount, int bigRecordBytes)
    {
        var text = new StringBuilder("{\"Records\": [\n");
        for (var i = 0; i < recordCount; i++)
        {
            if (i == recordCount / 2)
            {
                text.Append("{\"eventTime\": \"2024-03-05T10:30:00Z\", \"eventID\": \"big\", \"eventName\": \"PutObject\", ")
                    .Append("\"requestParameters\": {\"blob\": \"").Append('b', bigRecordBytes).Append("\"}},\n");
            }

            var second = i % 60;
            text.Append($"{{\"eventTime\": \"2024-03-05T10:{i / 60 % 60:D2}:{second:D2}.{i % 1000:D3}Z\", ")
                .Append($"\"eventID\": \"event-{i:D4}\", \"eventSource\": \"s3.amazonaws.com\", \"eventName\": \"GetObject\", ")
                .Append($"\"sourceIPAddress\": \"192.0.2.{i % 250}\", \"userAgent\": \"agent with \\\"quotes\\\" and \\u00e9 {i}\", ")
                .Append("\"userIdentity\": {\"type\": \"IAMUser\", \"arn\": \"arn:aws:iam::111122223333:user/alice\", \"accountId\": \"111122223333\"}, ")
                .Append($"\"requestParameters\": {{\"bucketName\": \"example-bucket\", \"key\": \"objects/{i}\"}}}}");
            text.Append(i == recordCount - 1 ? "\n" : ",\n");
        }

        text.Append("]}\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static List<string> Describe(IEnumerable<CloudTrailEvent> events) =>
        [.. events.Select(e => string.Join('|', e.EventId, e.EventTime.ToString("O"), e.UserAgent, e.SourceIpAddress, e.RequestParametersJson, e.RawJson))];
}
