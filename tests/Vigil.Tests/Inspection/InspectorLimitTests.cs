using System.IO.Compression;
using System.Text;
using Vigil.Ingestion.Inspection;
using Vigil.Ingestion.VpcFlow;
using Vigil.Tests.Support;

namespace Vigil.Tests.Inspection;

/// <summary>Bounds, streams and failures: the rejection list, size limits, bad gzip data and callbacks.</summary>
public sealed class InspectorLimitTests
{
    private const string FlowHeader = "version srcaddr dstaddr srcport dstport protocol action log-status\n";

    [Fact]
    public async Task Inspect_ManyRejections_KeepsFirstTwo()
    {
        var lines = string.Concat(Enumerable.Range(1, 5).Select(i => $"2 192.0.2.{i} 10.0.0.1 40000 99999 6 ACCEPT OK\n"));
        var options = LogObjectInspectorOptions.Default with { MaxRejections = 2 };

        var read = await InspectionRead.BytesAsync(Encoding.UTF8.GetBytes(FlowHeader + lines), "bad-ports.log", options);

        Assert.Equal(5, read.Result.RecordsRejected);
        Assert.Equal(2, read.Result.Rejections.Count);
        Assert.Equal([2L, 3L], read.Result.Rejections.Select(rejection => rejection.Line));
    }

    [Fact]
    public async Task Inspect_ZeroMaxRejections_CountsOnly()
    {
        var options = LogObjectInspectorOptions.Default with { MaxRejections = 0 };

        var read = await InspectionRead.FixtureAsync("flow-header.log", options);

        Assert.Equal(1, read.Result.RecordsRejected);
        Assert.Empty(read.Result.Rejections);
    }

    [Fact]
    public void Options_MaxRejectionsOverLimit_Throws()
    {
        var options = LogObjectInspectorOptions.Default with { MaxRejections = LogObjectInspectorOptions.MaxRejectionsLimit + 1 };

        Assert.Throws<ArgumentOutOfRangeException>(() => new LogObjectInspector(options));
    }

    [Fact]
    public async Task Inspect_DecompressedLimit_StopsWithCounts()
    {
        var lines = string.Concat(Enumerable.Range(0, 2000).Select(i => $"2 192.0.2.{i % 250} 10.0.0.1 {40000 + i} 443 6 ACCEPT OK\n"));
        var options = LogObjectInspectorOptions.Default with
        {
            MaxDecompressedBytes = 64 * 1024,
            VpcFlow = VpcFlowReaderOptions.Default with { BatchSize = 10 },
        };

        var read = await InspectionRead.BytesAsync(InspectionRead.Gzip(Encoding.UTF8.GetBytes(FlowHeader + lines)), "large.log.gz", options);

        Assert.Equal(LogObjectKind.VpcFlow, read.Result.Kind);
        Assert.Equal(LogObjectCompression.Gzip, read.Result.Compression);
        Assert.NotNull(read.Result.Error);
        Assert.Contains("larger than the limit of 65536 bytes", read.Result.Error);
        Assert.InRange(read.Result.RecordsRead, 1, 1999);
        Assert.Equal(read.RecordsDelivered, read.Result.RecordsRead);
    }

    [Fact]
    public async Task Inspect_CorruptGzip_StopsWithError()
    {
        byte[] corrupt = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x11];

        var read = await InspectionRead.BytesAsync(corrupt, "corrupt.log.gz");

        Assert.Equal(LogObjectCompression.Gzip, read.Result.Compression);
        Assert.NotNull(read.Result.Error);
        Assert.StartsWith("corrupt.log.gz: the gzip data is invalid", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_NonSeekableStream_ReadsAll()
    {
        var read = await InspectionRead.StreamAsync(new OneBytePerReadStream(Fixture.Bytes("Inspection/cloudtrail.json")), "cloudtrail.json");

        Assert.Equal(LogObjectKind.CloudTrail, read.Result.Kind);
        Assert.Equal(2, read.Result.RecordsRead);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_NonSeekableParquet_ReadsRows()
    {
        var read = await InspectionRead.StreamAsync(new OneBytePerReadStream(await InspectionRead.FlowParquetAsync()), "flow.parquet");

        Assert.Equal(LogObjectFormat.Parquet, read.Result.Format);
        Assert.Equal(3, read.Result.RecordsRead);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_CallerStream_LeftOpen()
    {
        var content = new MemoryStream(Fixture.Bytes("Inspection/route53.log"), writable: false);

        await InspectionRead.StreamAsync(content, "route53.log");

        Assert.True(content.CanRead);
    }

    [Fact]
    public async Task Inspect_SeekableGzipAtOffset_Reads()
    {
        // The inspector reads the magic bytes and goes back to where the object starts, not to the stream's start.
        var plain = Fixture.Bytes("Inspection/route53.log");
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(plain);
        }

        byte[] bytes = [.. "other"u8, .. compressed.ToArray()];
        var content = new MemoryStream(bytes, writable: false) { Position = 5 };

        var read = await InspectionRead.StreamAsync(content, "route53.log.gz");
        var direct = await InspectionRead.StreamAsync(new MemoryStream(plain, writable: false), "route53.log");

        Assert.Equal(LogObjectKind.Route53ResolverQuery, read.Result.Kind);
        Assert.Equal(LogObjectCompression.Gzip, read.Result.Compression);
        Assert.Equal(direct.Result.RecordsRead, read.Result.RecordsRead);
        Assert.True(read.Result.RecordsRead > 0);
        Assert.Null(read.Result.Error);
        Assert.True(content.CanRead);
    }

    [Fact]
    public async Task Inspect_MissingFile_Fails()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-missing-{Guid.NewGuid():N}.json");

        var read = await InspectionRead.FileAsync(path, "missing.json");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.NotNull(read.Result.Error);
        Assert.StartsWith("missing.json: the file cannot be opened", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_CallbackThrows_Propagates()
    {
        var inspector = new LogObjectInspector();
        using var content = new MemoryStream(Fixture.Bytes("Inspection/route53.log"), writable: false);

        await Assert.ThrowsAsync<IOException>(() =>
            inspector.InspectAsync(content, "route53.log", _ => throw new IOException("the output pipe is closed"), CancellationToken.None));
    }
}
