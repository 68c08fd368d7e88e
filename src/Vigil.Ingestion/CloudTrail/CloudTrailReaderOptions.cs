namespace Vigil.Ingestion.CloudTrail;

/// <summary>Bounds that keep one hostile log object from exhausting memory or stack.</summary>
public sealed record CloudTrailReaderOptions
{
    /// <summary>
    /// Largest record kept, in bytes (default 4 MiB). AWS documents about 230 KB of payload per record
    /// (requestParameters and responseElements up to 100 KB each, additionalEventData up to 28 KB).
    /// A larger record is rejected with its position and the rest of the file goes on.
    /// </summary>
    public int MaxRecordBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted (default 1,000). Nested payloads are never walked recursively.</summary>
    public int MaxDepth { get; init; } = 1000;

    /// <summary>Longest string field kept in the normalised event, in characters (default 8,192); the raw record keeps all.</summary>
    public int MaxStringLength { get; init; } = 8192;

    /// <summary>Largest decompressed object, in bytes (default 2 GiB); a larger one stops with an error.</summary>
    public long MaxDecompressedBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Whether records in the plain form AWS writes are read by <see cref="PlainRecordScanner"/> (the
    /// default). Tests turn it off to compare with the general parser.
    /// </summary>
    internal bool ScanPlainRecords { get; init; } = true;

    public static CloudTrailReaderOptions Default { get; } = new();
}
