using System.Buffers;
using Vigil.Ingestion.Objects;

namespace Vigil.Ingestion.Inspection;

/// <summary>
/// A read-only, forward-only stream that returns bytes already taken from a stream, then the rest
/// of that stream, so a prefix read for detection or for magic bytes is read again by the next reader.
/// </summary>
internal sealed class PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream rest, bool leaveOpen) : ForwardReadStream(rest, leaveOpen)
{
    private ReadOnlyMemory<byte> remaining = prefix;

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

    /// <summary>Reads into <paramref name="buffer"/> until it is full or <paramref name="stream"/> ends, and returns the bytes read.</summary>
    public static async Task<int> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
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

    public override int Read(Span<byte> buffer)
    {
        if (remaining.IsEmpty)
        {
            return Inner.Read(buffer);
        }

        var count = Math.Min(buffer.Length, remaining.Length);
        remaining.Span[..count].CopyTo(buffer);
        remaining = remaining[count..];
        return count;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (remaining.IsEmpty)
        {
            return await Inner.ReadAsync(buffer, cancellationToken);
        }

        return Read(buffer.Span);
    }
}
