using System.Text;
using Vigil.Ingestion.VpcFlow;
using Vigil.Tests.Support;

namespace Vigil.Tests.VpcFlow;

/// <summary>Bad and over-long lines: what is rejected, where, and what is still read around them.</summary>
public sealed class TextRejectionTests
{
    [Fact]
    public async Task Reader_BadLinesInMiddle_ReadsNeighbours()
    {
        var read = await FlowTextRead.FixtureAsync("bad-lines.log");

        Assert.Equal(["192.0.2.61", "192.0.2.65"], read.Records.Select(record => record.SourceAddress));
        Assert.Equal(2, read.Summary.RecordsRead);
        Assert.Equal(3, read.Summary.RecordsRejected);
        Assert.Equal(1, read.Summary.HeaderLines);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_WrongFieldCount_RejectedWithLine()
    {
        var rejection = (await FlowTextRead.FixtureAsync("bad-lines.log")).Rejections[0];

        Assert.Equal("bad-lines.log", rejection.ObjectName);
        Assert.Equal(3, rejection.Line);
        Assert.Equal(1, rejection.RecordIndex);
        Assert.Null(rejection.Field);
        Assert.Equal("the line has 13 fields, but the header names 14", rejection.Reason);
        Assert.Equal(LineStartOffset("bad-lines.log", 3), rejection.ByteOffset);
    }

    [Fact]
    public async Task Reader_PortOutOfRange_RejectedWithField()
    {
        var rejection = (await FlowTextRead.FixtureAsync("bad-lines.log")).Rejections[1];

        Assert.Equal(4, rejection.Line);
        Assert.Equal(2, rejection.RecordIndex);
        Assert.Equal("dstport", rejection.Field);
        Assert.Equal("\"70000\" is not a port number from 0 to 65535", rejection.Reason);
        Assert.Equal(LineStartOffset("bad-lines.log", 4), rejection.ByteOffset);
    }

    [Fact]
    public async Task Reader_NonNumericBytes_RejectedWithField()
    {
        var rejection = (await FlowTextRead.FixtureAsync("bad-lines.log")).Rejections[2];

        Assert.Equal(5, rejection.Line);
        Assert.Equal(3, rejection.RecordIndex);
        Assert.Equal("bytes", rejection.Field);
        Assert.Contains("\"abc\" is not a counter", rejection.Reason);
        Assert.Equal(LineStartOffset("bad-lines.log", 5), rejection.ByteOffset);
    }

    [Theory]
    [InlineData("2 10.0.0.1 443 -5", "bytes")]
    [InlineData("2 10.0.0.1 443 +5", "bytes")]
    [InlineData("2 10.0.0.1 443 99999999999999999999", "bytes")]
    [InlineData("2 10.0.1 443 5", "srcaddr")]
    [InlineData("2 0x0a000001 443 5", "srcaddr")]
    [InlineData("2 10.0.0.256 443 5", "srcaddr")]
    [InlineData("2 i-0a1b2c3d4e5f60001 443 5", "srcaddr")]
    [InlineData("2 10.0.0.1 -1 5", "dstport")]
    [InlineData("i-0a1b2c3d4e5f60001 10.0.0.1 443 5", "version")]
    public async Task Reader_InvalidValue_RejectedWithField(string line, string field)
    {
        var read = await FlowTextRead.TextAsync($"version srcaddr dstport bytes\n{line}\n2 10.0.0.2 443 7\n");

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(2, rejection.Line);
        Assert.Equal(7, Assert.Single(read.Records).Bytes);
    }

    [Fact]
    public async Task Reader_InvalidUtf8_RejectedAndNextLineRead()
    {
        byte[] content = [.. "version account-id bytes\n2 "u8, 0xC3, 0x28, .. " 5\n2 111122223333 6\n"u8];

        var read = await FlowTextRead.StreamAsync(new MemoryStream(content), "utf8.log");

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.Equal("the line is not valid UTF-8", rejection.Reason);
        Assert.Equal(6, Assert.Single(read.Records).Bytes);
    }

    [Fact]
    public async Task Reader_OverlongLine_RejectedAndNeighboursRead()
    {
        var content = Header + Record(1) + "2 " + new string('9', 100_000) + " 10.0.0.1\n" + Record(3);

        var read = await FlowTextRead.TextAsync(content, new() { MaxLineBytes = 200 });

        Assert.Equal(["192.0.2.1", "192.0.2.3"], read.Records.Select(record => record.SourceAddress));
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(3, rejection.Line);
        Assert.Null(rejection.Field);
        Assert.Equal("the line is longer than the limit of 200 bytes; it was skipped unread", rejection.Reason);
        Assert.Equal(Encoding.UTF8.GetByteCount(Header + Record(1)), rejection.ByteOffset);
    }

    [Fact]
    public async Task Reader_OverlongLine_RejectedBeforeItEnds()
    {
        var content = new MemoryStream(Encoding.UTF8.GetBytes(Header + "2 " + new string('9', 4 * 1024 * 1024) + "\n" + Record(2)));
        long positionAtRejection = -1;
        var records = 0;

        await new VpcFlowTextReader(new() { MaxLineBytes = 200 }).ReadAsync(
            content,
            "long.log",
            FlowTextRead.IngestTime,
            batch =>
            {
                records += batch.Count;
                return ValueTask.CompletedTask;
            },
            _ => positionAtRejection = content.Position,
            CancellationToken.None);

        // The reader keeps one buffer of at least 16 KiB, so it rejects the 4 MiB line after reading about that much of it.
        Assert.InRange(positionAtRejection, 1, 64 * 1024);
        Assert.Equal(1, records);
    }

    [Fact]
    public async Task Reader_OverlongLastLineWithoutBreak_Rejected()
    {
        var read = await FlowTextRead.TextAsync(Header + Record(1) + "2 " + new string('9', 50_000), new() { MaxLineBytes = 200 });

        Assert.Single(read.Records);
        Assert.Equal(3, Assert.Single(read.Rejections).Line);
    }

    [Fact]
    public async Task Reader_LineAtLimitWithCrLf_Read()
    {
        // The limit is the length of the record line, and the header line is shorter.
        const string line = "192.0.2.1 12345";

        var read = await FlowTextRead.TextAsync("srcaddr bytes\r\n" + line + "\r\n" + line + "\r\n", new() { MaxLineBytes = line.Length });

        Assert.Equal(2, read.Records.Count);
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Reader_LineOneByteOverLimit_Rejected()
    {
        const string line = "192.0.2.1 12345";

        var read = await FlowTextRead.TextAsync("srcaddr bytes\n" + line + "\n", new() { MaxLineBytes = line.Length - 1 });

        Assert.Empty(read.Records);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.Equal($"the line is {line.Length} bytes, more than the limit of {line.Length - 1}", rejection.Reason);
    }

    [Fact]
    public async Task Reader_OneBytePerRead_SameRecords()
    {
        var content = Fixture.Bytes("VpcFlow/bad-lines.log");

        var read = await FlowTextRead.StreamAsync(new OneBytePerReadStream(content), "bad-lines.log", new() { MaxLineBytes = 200 });

        Assert.Equal(2, read.Records.Count);
        Assert.Equal([3L, 4L, 5L], read.Rejections.Select(rejection => rejection.Line));
        Assert.Equal(LineStartOffset("bad-lines.log", 5), read.Rejections[2].ByteOffset);
    }

    private const string Header = "version srcaddr\n";

    private static string Record(int host) => $"2 192.0.2.{host}\n";

    private static long LineStartOffset(string fixture, int line)
    {
        var bytes = Fixture.Bytes("VpcFlow/" + fixture);
        var offset = 0;
        for (var current = 1; current < line; current++)
        {
            offset = Array.IndexOf(bytes, (byte)'\n', offset) + 1;
        }

        return offset;
    }
}
