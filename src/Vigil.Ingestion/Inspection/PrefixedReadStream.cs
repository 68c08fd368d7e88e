using System.Buffers;

namespace Vigil.Ingestion.Inspection;

/// <summary>
/// A read-only, forward-only stream that returns bytes already taken from a stream, then the rest
/// of that stream, so a prefix read for detection is read again by the log reader.
/// </summary>
internal sealed class PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream rest, bool leaveOpen) : Stream
{
    private ReadOnlyMemory<byte> remaining = prefix;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads up to <paramref name="maxBytes"/> bytes, fewer only at the end of <paramref name="stream"/>.</summary>
    public static async Task<byte[]> ReadPrefixAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes];
        var length = await FillAsync(stream, buffer, cancellationToken);
        return length == maxBytes ? buffer : buffer[..length];
    }

    /// <summary>
    /// Reads up to <paramref name="maxBytes"/> bytes, fewer only at the end of <paramref name="stream"/>,
    /// into an array from <see cref="ArrayPool{T}.Shared"/>, which may be longer. The caller returns the
    /// array to the pool once nothing reads it any more.
    /// </summary>
    public static async Task<(byte[] Buffer, int Length)> RentPrefixAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            return (buffer, await FillAsync(stream, buffer.AsMemory(0, maxBytes), cancellationToken));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static async Task<int> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[length..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return length;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (remaining.IsEmpty)
        {
            return rest.Read(buffer);
        }

        var count = Math.Min(buffer.Length, remaining.Length);
        remaining.Span[..count].CopyTo(buffer);
        remaining = remaining[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (remaining.IsEmpty)
        {
            return await rest.ReadAsync(buffer, cancellationToken);
        }

        return Read(buffer.Span);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }
}
