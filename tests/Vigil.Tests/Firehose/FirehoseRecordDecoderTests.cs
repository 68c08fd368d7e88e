using System.Text;
using Vigil.Ingestion.Firehose;

namespace Vigil.Tests.Firehose;

public sealed class FirehoseRecordDecoderTests
{
    [Fact]
    public void GzipPayload_DecodesEvents()
    {
        var data = FirehosePayloads.Gzip(FirehosePayloads.Envelope("DATA_MESSAGE", "111122223333", "first", "second"));

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.DataMessage, record.Kind);
        Assert.Equal("111122223333", record.Owner);
        Assert.Equal("flows", record.LogGroup);
        Assert.Equal("eni-1-all", record.LogStream);
        Assert.Equal(["first", "second"], record.Events.Select(logEvent => logEvent.Message));
        Assert.Equal(1, record.Events[1].Index);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764583200000), record.Events[0].Timestamp);
    }

    [Fact]
    public void PlainPayload_DecodesEvents()
    {
        var data = Encoding.UTF8.GetBytes(FirehosePayloads.Envelope("DATA_MESSAGE", "111122223333", "only"));

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.DataMessage, record.Kind);
        Assert.Equal("only", Assert.Single(record.Events).Message);
    }

    [Fact]
    public void ControlMessage_HasNoEvents()
    {
        var data = FirehosePayloads.Gzip(FirehosePayloads.Envelope("CONTROL_MESSAGE", "CloudwatchLogs", "CWL CONTROL MESSAGE: Checking health of destination"));

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.ControlMessage, record.Kind);
        Assert.Empty(record.Events);
        Assert.Null(record.Error);
    }

    [Fact]
    public void PlainLines_OneEventPerLine()
    {
        var data = Encoding.UTF8.GetBytes("line one\n\n  line three  \r\n");

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.Lines, record.Kind);
        Assert.Null(record.Owner);
        Assert.Equal(["line one", "line three"], record.Events.Select(logEvent => logEvent.Message));
        Assert.Equal([0, 2], record.Events.Select(logEvent => logEvent.Index));
    }

    [Fact]
    public void GzipBomb_RejectedAtLimit()
    {
        var data = FirehosePayloads.Gzip(new string('x', 200_000));

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default with { MaxRecordBytes = 100_000 });

        Assert.Equal(FirehoseRecordKind.Invalid, record.Kind);
        Assert.Contains("more than the limit of 100000 bytes", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMessageType_Rejected()
    {
        var data = FirehosePayloads.Gzip(FirehosePayloads.Envelope("OTHER", "111122223333", "x"));

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.Invalid, record.Kind);
        Assert.Contains("messageType", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingOwner_Rejected()
    {
        var data = FirehosePayloads.Gzip("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}");

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.Invalid, record.Kind);
        Assert.StartsWith("owner: missing", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TooManyEvents_Rejected()
    {
        var data = FirehosePayloads.Gzip(FirehosePayloads.Envelope("DATA_MESSAGE", "111122223333", "a", "b", "c"));

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default with { MaxEventsPerRecord = 2 });

        Assert.Equal(FirehoseRecordKind.Invalid, record.Kind);
        Assert.Contains("3 events, more than the limit of 2", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongMessage_RejectedAlone()
    {
        var data = FirehosePayloads.Gzip(FirehosePayloads.Envelope("DATA_MESSAGE", "111122223333", new string('m', 50), "short"));

        var record = FirehoseRecordDecoder.Decode(data, FirehoseLimits.Default with { MaxMessageBytes = 10 });

        Assert.Equal(FirehoseRecordKind.DataMessage, record.Kind);
        Assert.Null(record.Events[0].Message);
        Assert.Contains("longer than the limit of 10 bytes", record.Events[0].Error, StringComparison.Ordinal);
        Assert.Equal("short", record.Events[1].Message);
    }

    [Fact]
    public void InvalidUtf8_Rejected()
    {
        var record = FirehoseRecordDecoder.Decode([0x41, 0xff, 0xfe, 0x42], FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.Invalid, record.Kind);
        Assert.Contains("neither gzip nor valid UTF-8", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedGzip_Rejected()
    {
        var record = FirehoseRecordDecoder.Decode([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02], FirehoseLimits.Default);

        Assert.Equal(FirehoseRecordKind.Invalid, record.Kind);
        Assert.NotNull(record.Error);
    }
}
