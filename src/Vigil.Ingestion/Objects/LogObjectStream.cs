using System.IO.Compression;
using Vigil.Ingestion.Inspection;

namespace Vigil.Ingestion.Objects;

/// <summary>Opens a delivered log object for reading, decompressing gzip (every member) when the content starts with its magic bytes.</summary>
public static class LogObjectStream
{
    /// <summary>
    /// Wraps <paramref name="raw"/> so that reading it yields the decompressed content. The result
    /// throws <see cref="DecompressedSizeExceededException"/> once more than <paramref name="maxDecompressedBytes"/> are read.
    /// Disposing the result disposes <paramref name="raw"/> unless <paramref name="leaveOpen"/> is true.
    /// </summary>
    public static async Task<Stream> OpenAsync(Stream raw, long maxDecompressedBytes, CancellationToken cancellationToken, bool leaveOpen = false)
    {
        var buffered = raw.CanSeek ? raw : new BufferedStream(raw, 64 * 1024);
        var magic = new byte[2];
        var read = await PrefixedReadStream.FillAsync(buffered, magic, cancellationToken);

        // Every stream made here is disposed with the result, and raw too unless leaveOpen is true.
        Stream content;
        var contentIsRaw = raw.CanSeek;
        if (raw.CanSeek)
        {
            raw.Seek(-read, SeekOrigin.Current);
            content = raw;
        }
        else
        {
            content = new PrefixedReadStream(magic.AsMemory(0, read), buffered, leaveOpen);
        }

        if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            // GZipStream reads concatenated gzip members one after another (multi-member files).
            content = new GZipStream(content, CompressionMode.Decompress, leaveOpen: leaveOpen && contentIsRaw);
            contentIsRaw = false;
        }

        return new BoundedReadStream(content, maxDecompressedBytes, leaveOpen && contentIsRaw);
    }
}

/// <summary>Raised when a decompressed object exceeds the configured size (a gzip bomb, or a wrong setting).</summary>
public sealed class DecompressedSizeExceededException(long limit)
    : IOException($"The decompressed object is larger than the limit of {limit} bytes; raise the limit only if such objects are expected.")
{
    public long Limit { get; } = limit;
}
