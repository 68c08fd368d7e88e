using System.IO.Compression;
using System.Text;
using Vigil.Ingestion.Objects;
using Vigil.Ingestion.Route53;
using Vigil.Tests.Support;

namespace Vigil.Tests.Route53;

public sealed class ReaderBufferTests
{
    private const string Good = """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"good.example.com."}""";

    [Fact]
    public async Task Read_OverlongLine_SkipsLine()
    {
        var options = new Route53QueryLogReaderOptions { MaxLineBytes = 4096 };
        var prefix = Encoding.UTF8.GetBytes(Good + "\n" + "{\"query_timestamp\":\"2024-05-01T10:00:02Z\",\"query_name\":\"a.example.com.\",\"answers\":[{\"Rdata\":\"");
        var suffix = Encoding.UTF8.GetBytes("\"}]}\n" + Good + "\n");
        var content = new GeneratedLinesStream(prefix, (byte)'x', 32L * 1024 * 1024, suffix);

        var read = await Route53Read.StreamAsync(content, "long-line.log", options);

        Assert.Equal(2, read.Records.Count);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.Equal(Good.Length + 1, rejection.ByteOffset);
        Assert.Equal("the line is longer than the limit of 4096 bytes", rejection.Reason);
        Assert.Equal(3, read.Summary.Lines);
    }

    [Fact]
    public async Task Read_OverlongLine_NotBufferedWhole()
    {
        // Every await below completes synchronously (the stream and callbacks never wait), so the
        // reader runs on this thread and its allocations are counted here.
        var options = new Route53QueryLogReaderOptions { MaxLineBytes = 4096 };
        var prefix = Encoding.UTF8.GetBytes("{\"query_timestamp\":\"2024-05-01T10:00:02Z\",\"query_name\":\"");
        var suffix = Encoding.UTF8.GetBytes("\"}\n" + Good + "\n");
        var content = new GeneratedLinesStream(prefix, (byte)'x', 64L * 1024 * 1024, suffix);
        var reader = new Route53QueryLogReader(options);
        var records = 0;
        var rejections = 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        await reader.ReadAsync(content, "long-line.log", Route53Read.IngestTime, batch => { records += batch.Count; return ValueTask.CompletedTask; }, _ => rejections++, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1, records);
        Assert.Equal(1, rejections);
        Assert.True(allocated < 1024 * 1024, $"the reader allocated {allocated} bytes for a 64 MiB line");
    }

    [Fact]
    public async Task Read_OverlongLastLine_Rejected()
    {
        var options = new Route53QueryLogReaderOptions { MaxLineBytes = 4096 };
        var prefix = Encoding.UTF8.GetBytes(Good + "\n" + "{\"query_timestamp\":\"2024-05-01T10:00:02Z\",\"query_name\":\"");
        var content = new GeneratedLinesStream(prefix, (byte)'x', 1024 * 1024, "\"}"u8.ToArray());

        var read = await Route53Read.StreamAsync(content, "long-line.log", options);

        Assert.Single(read.Records);
        Assert.Equal(2, Assert.Single(read.Rejections).Line);
        Assert.Equal(2, read.Summary.Lines);
    }

    [Fact]
    public async Task Read_OverlongContinuation_RejectsBoth()
    {
        // Line 1 leaves its object open, and line 2 is too long to continue it or to be read alone.
        var options = new Route53QueryLogReaderOptions { MaxLineBytes = 4096 };
        var prefix = Encoding.UTF8.GetBytes("{\"query_timestamp\":\"2024-05-01T10:00:02Z\",\n\"query_name\":\"");
        var suffix = Encoding.UTF8.GetBytes("\"}\n" + Good + "\n");
        var content = new GeneratedLinesStream(prefix, (byte)'x', 1024 * 1024, suffix);

        var read = await Route53Read.StreamAsync(content, "long-line.log", options);

        Assert.Equal("good.example.com", Assert.Single(read.Records).NormalizedQueryName);
        Assert.Equal([1L, 2], read.Rejections.Select(r => r.Line));
        Assert.Equal("the record spans more than the limit of 4096 bytes", read.Rejections[0].Reason);
        Assert.Equal("the line is longer than the limit of 4096 bytes", read.Rejections[1].Reason);
    }

    [Fact]
    public async Task Read_LineAtLimit_Accepted()
    {
        var options = new Route53QueryLogReaderOptions { MaxLineBytes = Good.Length };

        var read = await Route53Read.TextAsync(Good + "\r\n" + Good + "\r\n", options);

        Assert.Equal(2, read.Records.Count);
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Read_LineOneByteOverLimit_Rejected()
    {
        var options = new Route53QueryLogReaderOptions { MaxLineBytes = Good.Length - 1 };

        var read = await Route53Read.TextAsync(Good + "\n" + Good, options);

        Assert.Empty(read.Records);
        Assert.Equal([1L, 2], read.Rejections.Select(r => r.Line));
    }

    [Fact]
    public async Task Read_PrettyPrintedOverLimit_SkipsRecord()
    {
        var pretty = Fixture.Bytes("Route53/pretty-printed.json");
        var options = new Route53QueryLogReaderOptions { MaxLineBytes = 400 };

        var read = await Route53Read.BytesAsync(pretty, "pretty-printed.json", options);

        // The record on lines 1 to 30 spans more than 400 bytes, so line 1 is rejected and reading
        // starts again at line 2. Lines 25 to 27 form the object {"deeper": true}, rejected once for
        // its missing query_timestamp, and every other line is no JSON object on its own. Line 31 is
        // a JSON line of exactly 400 bytes.
        Assert.Equal("host2.example.com", Assert.Single(read.Records).NormalizedQueryName);
        Assert.Equal("the record spans more than the limit of 400 bytes", read.Rejections[0].Reason);
        Assert.Equal([.. Enumerable.Range(1, 25).Select(i => (long)i), 28, 29, 30], read.Rejections.Select(r => r.Line));
        Assert.Equal("query_timestamp", read.Rejections[24].Field);
    }

    [Fact]
    public async Task Read_SmallBuffer_SameRecords()
    {
        var expected = await Route53Read.FixtureAsync("bad-lines-in-middle.log");
        var longest = File.ReadAllLines(Fixture.PathOf("Route53/bad-lines-in-middle.log")).Max(line => Encoding.UTF8.GetByteCount(line));

        var read = await Route53Read.FixtureAsync("bad-lines-in-middle.log", new Route53QueryLogReaderOptions { MaxLineBytes = longest });

        Assert.Equal(expected.Records, read.Records, RecordComparer.Instance);
        Assert.Equal(expected.Rejections, read.Rejections);
    }

    [Fact]
    public async Task Read_OneBytePerRead_SameRecords()
    {
        var content = Fixture.Bytes("Route53/all-fields.log");
        var expected = await Route53Read.BytesAsync(content, "all-fields.log");

        var read = await Route53Read.StreamAsync(new OneBytePerReadStream(content), "all-fields.log");

        Assert.Equal(expected.Records, read.Records, RecordComparer.Instance);
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Read_GzipObject_ReadsThroughLogObjectStream()
    {
        var plain = Fixture.Bytes("Route53/bad-lines-in-middle.log");
        var expected = await Route53Read.BytesAsync(plain, "bad-lines-in-middle.log");

        await using var content = await LogObjectStream.OpenAsync(new MemoryStream(Gzip(plain)), Route53QueryLogReaderOptions.Default.MaxDecompressedBytes, CancellationToken.None);
        var read = await Route53Read.StreamAsync(content, "bad-lines-in-middle.log.gz");

        Assert.Equal(expected.Records, read.Records, RecordComparer.Instance);
        Assert.Equal([2L, 4, 6, 7, 8, 9, 10], read.Rejections.Select(r => r.Line));
    }

    [Fact]
    public async Task Read_NonSeekableGzip_ReadsAllRecords()
    {
        var plain = Fixture.Bytes("Route53/all-fields.log");

        await using var content = await LogObjectStream.OpenAsync(new OneBytePerReadStream(Gzip(plain)), Route53QueryLogReaderOptions.Default.MaxDecompressedBytes, CancellationToken.None);
        var read = await Route53Read.StreamAsync(content, "all-fields.log.gz");

        Assert.Equal(["www.example.com", "blocked.example.net", "20.100.51.198.in-addr.arpa"], read.Records.Select(r => r.NormalizedQueryName));
        Assert.Empty(read.Rejections);
    }

    private static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    /// <summary>Compares records by value, including their answer lists, which the record type compares by reference.</summary>
    private sealed class RecordComparer : IEqualityComparer<Vigil.Contracts.Events.DnsQueryRecord>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(Vigil.Contracts.Events.DnsQueryRecord? x, Vigil.Contracts.Events.DnsQueryRecord? y) =>
            x is not null && y is not null && x with { Answers = [] } == y with { Answers = [] } && x.Answers.SequenceEqual(y.Answers);

        public int GetHashCode(Vigil.Contracts.Events.DnsQueryRecord obj) => obj.QueryTimestamp.GetHashCode();
    }
}
