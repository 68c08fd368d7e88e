using System.IO.Compression;
using Vigil.Ingestion.Objects;
using Vigil.Tests.Support;

namespace Vigil.Tests.Objects;

public sealed class LogObjectStreamTests
{
    private const long Limit = 16 * 1024 * 1024;

    [Fact]
    public async Task Open_TwoGzipMembers_ReadsAllRecords()
    {
        var plain = Fixture.Bytes("CloudTrail/identity-types.json");
        var middle = plain.Length / 2;
        byte[] twoMembers = [.. Gzip(plain[..middle]), .. Gzip(plain[middle..])];

        await using var content = await LogObjectStream.OpenAsync(new MemoryStream(twoMembers), Limit, CancellationToken.None);
        var read = await CloudTrailRead.StreamAsync(content, "two-members.json.gz");

        Assert.Equal(12, read.Events.Count);
        Assert.Equal("00000000-0000-4000-8000-000000000601", read.Events[0].EventId);
        Assert.Equal("00000000-0000-4000-8000-000000000612", read.Events[11].EventId);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Open_NonSeekableGzip_ReadsAllRecords()
    {
        var plain = Fixture.Bytes("CloudTrail/event-times.json");
        var middle = plain.Length / 3;
        byte[] twoMembers = [.. Gzip(plain[..middle]), .. Gzip(plain[middle..])];

        await using var content = await LogObjectStream.OpenAsync(new OneBytePerReadStream(twoMembers), Limit, CancellationToken.None);
        var read = await CloudTrailRead.StreamAsync(content, "two-members.json.gz");

        Assert.Equal(4, read.Events.Count);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Open_PlainJson_PassesThrough()
    {
        var plain = Fixture.Bytes("CloudTrail/event-times.json");

        await using var content = await LogObjectStream.OpenAsync(new OneBytePerReadStream(plain), Limit, CancellationToken.None);
        var copy = new MemoryStream();
        await content.CopyToAsync(copy);

        Assert.Equal(plain, copy.ToArray());
    }

    [Fact]
    public async Task Open_GzipBomb_ThrowsSizeExceeded()
    {
        var bomb = Gzip(new byte[8 * 1024 * 1024]);
        Assert.True(bomb.Length < 64 * 1024);

        await using var content = await LogObjectStream.OpenAsync(new MemoryStream(bomb), 1024 * 1024, CancellationToken.None);
        var exception = await Assert.ThrowsAsync<DecompressedSizeExceededException>(() => content.CopyToAsync(Stream.Null));

        Assert.Equal(1024 * 1024, exception.Limit);
    }

    [Fact]
    public async Task Reader_GzipBombOfWhitespace_ThrowsSizeExceeded()
    {
        // Whitespace is valid JSON between tokens, so the reader keeps reading until the limit stops it.
        byte[] padded = [.. "{\"Records\": ["u8, .. Enumerable.Repeat((byte)' ', 4 * 1024 * 1024)];
        var bomb = Gzip(padded);

        await using var content = await LogObjectStream.OpenAsync(new MemoryStream(bomb), 1024 * 1024, CancellationToken.None);

        await Assert.ThrowsAsync<DecompressedSizeExceededException>(() => CloudTrailRead.StreamAsync(content, "bomb.json.gz"));
    }

    [Fact]
    public async Task Open_ContentAtLimit_ReadsWithoutError()
    {
        var plain = Fixture.Bytes("CloudTrail/event-times.json");

        await using var content = await LogObjectStream.OpenAsync(new MemoryStream(Gzip(plain)), plain.Length, CancellationToken.None);
        var read = await CloudTrailRead.StreamAsync(content, "at-limit.json.gz");

        Assert.Equal(4, read.Events.Count);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(false, false, false)]
    public async Task Open_LeaveOpen_ControlsRawDisposal(bool seekable, bool gzip, bool leaveOpen)
    {
        var plain = Fixture.Bytes("CloudTrail/event-times.json");
        var raw = new DisposalTrackingStream(gzip ? Gzip(plain) : plain, seekable);

        var content = await LogObjectStream.OpenAsync(raw, Limit, CancellationToken.None, leaveOpen);
        var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        await content.DisposeAsync();

        Assert.Equal(plain, copy.ToArray());
        Assert.Equal(!leaveOpen, raw.Disposed);
    }

    /// <summary>A stream over bytes, seekable or not, that records whether it was disposed.</summary>
    private sealed class DisposalTrackingStream(byte[] content, bool seekable) : Stream
    {
        private readonly MemoryStream inner = new(content, writable: false);

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => seekable;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) =>
            seekable ? inner.Seek(offset, origin) : throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
