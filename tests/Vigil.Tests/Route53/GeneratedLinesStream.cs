namespace Vigil.Tests.Route53;

/// <summary>
/// A read-only stream that returns a prefix, then <c>fillerLength</c> copies of one byte, then a
/// suffix, without ever holding the filler in memory, so a test can feed a reader a huge line.
/// </summary>
internal sealed class GeneratedLinesStream(byte[] prefix, byte filler, long fillerLength, byte[] suffix) : Stream
{
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => prefix.Length + fillerLength + suffix.Length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && position < Length)
        {
            var target = buffer[written..];
            int count;
            if (position < prefix.Length)
            {
                count = Math.Min(target.Length, prefix.Length - (int)position);
                prefix.AsSpan((int)position, count).CopyTo(target);
            }
            else if (position < prefix.Length + fillerLength)
            {
                count = (int)Math.Min(target.Length, prefix.Length + fillerLength - position);
                target[..count].Fill(filler);
            }
            else
            {
                var suffixPosition = (int)(position - prefix.Length - fillerLength);
                count = Math.Min(target.Length, suffix.Length - suffixPosition);
                suffix.AsSpan(suffixPosition, count).CopyTo(target);
            }

            written += count;
            position += count;
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
