using System.Runtime.InteropServices;
using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Tests.Support;

namespace Vigil.Tests.CloudTrail;

/// <summary>
/// The reader keeps each event's raw JSON as a slice of the buffer it read the record into. These
/// tests cut records at every byte by the 64 KiB buffer end and compare the events with those that
/// <see cref="CloudTrailRecordParser.Parse"/> builds from a copy of each record on its own.
/// </summary>
public sealed class ReaderSliceTests
{
    private const int BufferSize = 64 * 1024;

    private static readonly CloudTrailReaderOptions General = new() { ScanPlainRecords = false };

    [Fact]
    public async Task Reader_CutAtEveryByte_MatchesParse()
    {
        var records = Records(count: 400);
        var stride = records[0].Length + 1;
        Assert.All(records, record => Assert.Equal(stride - 1, record.Length));
        var expected = ParseEach(records, CloudTrailReaderOptions.Default);

        // Padding before the array moves the buffer end over every byte of one record and its comma.
        for (var padding = 0; padding < stride; padding++)
        {
            var content = Log(records, padding);
            Assert.True(content.Length > 3 * BufferSize);

            var read = await CloudTrailRead.BytesAsync(content, "cut.json");

            Assert.Null(read.Summary.Error);
            Assert.Empty(read.Rejections);
            Assert.Equal(expected, read.Events);
            AssertRawJson(records, read.Events, $"padding {padding}");
        }
    }

    [Fact]
    public async Task Reader_GeneralParserCutAtEveryByte_MatchesParse()
    {
        var records = Records(count: 400);
        var stride = records[0].Length + 1;
        var expected = ParseEach(records, General);

        for (var padding = 0; padding < stride; padding++)
        {
            var read = await CloudTrailRead.BytesAsync(Log(records, padding), "cut.json", General);

            Assert.Null(read.Summary.Error);
            Assert.Equal(expected, read.Events);
            AssertRawJson(records, read.Events, $"padding {padding}");
        }
    }

    [Fact]
    public async Task Reader_RecordOverBufferSize_MatchesParse()
    {
        var records = Records(count: 300);
        var big = Encoding.UTF8.GetBytes(
            "{\"eventTime\":\"2024-03-05T10:30:00Z\",\"eventID\":\"big\",\"eventName\":\"PutObject\",\"requestParameters\":{\"blob\":\""
            + new string('b', 150_000) + "\"}}");
        records.Insert(150, big);
        var expected = ParseEach(records, CloudTrailReaderOptions.Default);

        foreach (var padding in new[] { 0, 1, 333, 4_097, 40_000 })
        {
            var trickle = new OneBytePerReadStream(Log(records, padding));
            var read = await CloudTrailRead.StreamAsync(trickle, "big.json");

            Assert.Null(read.Summary.Error);
            Assert.Equal(expected, read.Events);
            AssertRawJson(records, read.Events, $"padding {padding}");
        }
    }

    [Fact]
    public async Task Reader_FullBuffers_EventsShareArrays()
    {
        var records = Records(count: 400);
        var content = Log(records, padding: 0);

        var read = await CloudTrailRead.BytesAsync(content, "shared.json");

        var arrays = read.Events.Select(ArrayOf).Distinct().ToList();
        Assert.Equal(400, read.Events.Count);
        Assert.True(arrays.Count > content.Length / BufferSize, $"{arrays.Count} arrays for {content.Length} bytes");
        Assert.All(arrays.SkipLast(1), array => Assert.Equal(BufferSize, array.Length));

        // The last fill is copied into an array of its own length, so no unused buffer end is kept.
        var last = arrays[^1];
        Assert.True(last.Length < BufferSize);
        Assert.Equal(content.AsSpan(content.Length - last.Length).ToArray(), last);
    }

    [Fact]
    public async Task Reader_SmallObject_EventsInExactArray()
    {
        var records = Records(count: 3);
        var content = Log(records, padding: 0);

        var read = await CloudTrailRead.BytesAsync(content, "small.json");

        var array = Assert.Single(read.Events.Select(ArrayOf).Distinct());
        Assert.Equal(content, array);
    }

    [Fact]
    public void Parse_CallerReusesBytes_EventKeepsCopy()
    {
        var record = Records(count: 1)[0];
        var bytes = record.ToArray();

        var parsed = CloudTrailRecordParser.Parse(bytes, CloudTrailRead.IngestTime, CloudTrailReaderOptions.Default, out var error);
        Array.Fill(bytes, (byte)' ');

        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal(record, parsed.RawJson.Utf8.ToArray());
    }

    /// <summary>
    /// Builds <paramref name="count"/> records of one length, so that the records and commas after
    /// a padding repeat with a fixed stride. They mix the plain form with escapes and a non-ASCII
    /// string, which the general parser reads.
    /// </summary>
    private static List<byte[]> Records(int count)
    {
        var records = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var agent = (i % 5, i % 7) switch
            {
                (0, _) => "agent \\\"quoted\\\" caf\\u00e9",
                (_, 0) => "agent with café é",
                _ => "aws-cli/2.15.30 Python/3.11.8",
            };
            agent = agent.PadRight(32, '.');
            var text =
                $"{{\"eventVersion\":\"1.10\",\"userIdentity\":{{\"type\":\"IAMUser\",\"principalId\":\"AIDA{i:D8}\","
                + $"\"arn\":\"arn:aws:iam::111122223333:user/user-{i:D6}\",\"accountId\":\"111122223333\",\"userName\":\"user-{i:D6}\"}},"
                + $"\"eventTime\":\"2026-11-03T06:{i / 60 % 60:D2}:{i % 60:D2}Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                + $"\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"192.0.2.{i % 250:D3}\",\"userAgent\":\"{agent}\","
                + $"\"requestParameters\":{{\"bucketName\":\"example-bucket\",\"key\":\"objects/{i:D6}\"}},\"responseElements\":null,"
                + $"\"requestID\":\"REQ{i:D8}\",\"eventID\":\"event-{i:D6}\",\"readOnly\":true,\"eventType\":\"AwsApiCall\","
                + "\"managementEvent\":false,\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Data\"}";
            records.Add(Encoding.UTF8.GetBytes(text));
        }

        // The escaped and non-ASCII agents differ in length, so the shorter records are padded with
        // spaces after the last member, which is whitespace inside the record.
        var length = records.Max(record => record.Length);
        return [.. records.Select(record => record[..^1].Concat(Enumerable.Repeat((byte)' ', length - record.Length)).Append((byte)'}').ToArray())];
    }

    /// <summary>Joins the records into a log, with <paramref name="padding"/> spaces before the array.</summary>
    private static byte[] Log(IReadOnlyList<byte[]> records, int padding)
    {
        var log = new List<byte>();
        log.AddRange(Encoding.ASCII.GetBytes("{\"Records\":" + new string(' ', padding) + "["));
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                log.Add((byte)',');
            }

            log.AddRange(records[i]);
        }

        log.AddRange("]}"u8.ToArray());
        return [.. log];
    }

    private static List<CloudTrailEvent> ParseEach(IEnumerable<byte[]> records, CloudTrailReaderOptions options) =>
        [.. records.Select(record => CloudTrailRecordParser.Parse(record, CloudTrailRead.IngestTime, options, out _)
            ?? throw new InvalidOperationException("A test record was rejected."))];

    private static void AssertRawJson(IReadOnlyList<byte[]> records, IReadOnlyList<CloudTrailEvent> events, string context)
    {
        Assert.Equal(records.Count, events.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.True(records[i].AsSpan().SequenceEqual(events[i].RawJson.Utf8.Span), $"{context}: raw JSON of record {i} differs");
        }
    }

    private static byte[] ArrayOf(CloudTrailEvent record)
    {
        Assert.True(MemoryMarshal.TryGetArray(record.RawJson.Utf8, out var segment));
        return segment.Array!;
    }
}
