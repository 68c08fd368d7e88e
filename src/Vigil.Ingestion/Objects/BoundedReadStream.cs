namespace Vigil.Ingestion.Objects;

/// <summary>A read-only stream that fails once more than a given number of bytes have been read from it.</summary>
public sealed class BoundedReadStream(Stream inner, long maxBytes, bool leaveOpen = false) : ForwardReadStream(inner, leaveOpen)
{
    private long total;

    public override long Position { get => total; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => Count(Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await Inner.ReadAsync(buffer, cancellationToken));

    private int Count(int read)
    {
        total += read;
        if (total > maxBytes)
        {
            throw new DecompressedSizeExceededException(maxBytes);
        }

        return read;
    }
}
