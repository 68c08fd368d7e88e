using System.IO.Compression;
using Vigil.Ingestion.Objects;
using Vigil.Tests.Support;

namespace Vigil.Tests.VpcFlow;

/// <summary>Delivered text objects: gzip with several members, decompressed by <see cref="LogObjectStream"/>.</summary>
public sealed class TextGzipTests
{
    private const long Limit = 16 * 1024 * 1024;

    [Fact]
    public async Task Reader_GzipMembersMidLine_ReadsAll()
    {
        var plain = Fixture.Bytes("VpcFlow/large-counters.log");
        var middle = plain.Length / 2;
        byte[] twoMembers = [.. Gzip(plain[..middle]), .. Gzip(plain[middle..])];

        await using var content = await LogObjectStream.OpenAsync(new MemoryStream(twoMembers), Limit, CancellationToken.None);
        var read = await FlowTextRead.StreamAsync(content, "111122223333_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f6_20231114T2215Z_0a1b2c3d.log.gz");

        Assert.Equal([3_000_000_000L, 4_294_967_296L, 5_000_000_000L], read.Records.Select(record => record.Bytes!.Value));
        Assert.Empty(read.Rejections);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_NonSeekableGzip_ReadsAllRecords()
    {
        var plain = Fixture.Bytes("VpcFlow/custom-29-fields.log");
        var third = plain.Length / 3;
        byte[] threeMembers = [.. Gzip(plain[..third]), .. Gzip(plain[third..(2 * third)]), .. Gzip(plain[(2 * third)..])];

        await using var content = await LogObjectStream.OpenAsync(new OneBytePerReadStream(threeMembers), Limit, CancellationToken.None);
        var read = await FlowTextRead.StreamAsync(content, "custom.log.gz");

        Assert.Equal(3, read.Records.Count);
        Assert.Equal(4800, read.Records[1].Bytes);
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Reader_GzipBomb_ThrowsSizeExceeded()
    {
        byte[] padded = [.. "version srcaddr\n"u8, .. Enumerable.Repeat((byte)'\n', 4 * 1024 * 1024)];

        await using var content = await LogObjectStream.OpenAsync(new MemoryStream(Gzip(padded)), 1024 * 1024, CancellationToken.None);

        await Assert.ThrowsAsync<DecompressedSizeExceededException>(() => FlowTextRead.StreamAsync(content, "bomb.log.gz"));
    }

    private static byte[] Gzip(byte[] plain)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }
}
