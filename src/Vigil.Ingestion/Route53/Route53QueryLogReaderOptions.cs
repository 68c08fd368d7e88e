namespace Vigil.Ingestion.Route53;

/// <summary>Bounds that keep one hostile query log object from exhausting memory or stack.</summary>
public sealed record Route53QueryLogReaderOptions
{
    /// <summary>
    /// Maximum line length, in bytes without the line end (default 1 MiB). A Resolver record is one
    /// line of a few hundred bytes. The largest DNS message is 64 KiB, and by estimate its answers stay
    /// under 400 KB of JSON even if every byte is written as a six-byte escape. A longer line is
    /// rejected with its line number and skipped without being buffered whole. A record written over
    /// several lines (pretty-printed JSON) must fit in this size as a whole.
    /// </summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>Maximum JSON nesting depth (default 64). A Resolver record nests three levels deep.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// Maximum length of a string field, in characters (default 8,192). Longer values are cut to this length,
    /// except a longer <c>query_name</c>, which rejects the record.
    /// </summary>
    public int MaxStringLength { get; init; } = 8192;

    /// <summary>Maximum decompressed object size, in bytes (default 2 GiB), for callers to pass to <c>LogObjectStream.OpenAsync</c>.</summary>
    public long MaxDecompressedBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    public static Route53QueryLogReaderOptions Default { get; } = new();
}
