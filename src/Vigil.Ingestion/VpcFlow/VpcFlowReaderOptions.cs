namespace Vigil.Ingestion.VpcFlow;

/// <summary>Bounds that keep one hostile flow log object from exhausting memory or disk.</summary>
public sealed record VpcFlowReaderOptions
{
    /// <summary>Highest accepted <see cref="MaxLineBytes"/> (16 MiB), far above any real record.</summary>
    public const int MaxLineBytesLimit = 16 * 1024 * 1024;

    /// <summary>Highest accepted <see cref="MaxRowGroupRows"/> (100 million), below the array size limit of .NET.</summary>
    public const long MaxRowGroupRowsLimit = 100_000_000;

    /// <summary>
    /// Maximum length of a text line, in bytes without the line break (default 64 KiB). A record with
    /// every field listed in FlowRecord and four ECS ARNs is about 2 KiB by estimate. A longer line is
    /// rejected and skipped without being buffered, and the rest of the object goes on.
    /// </summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Maximum number of records handed to the callback at once (default 500). A batch of 500 records
    /// is a list of 76,000 bytes, below the 85,000 bytes from which .NET allocates an array on the
    /// large object heap, which only a full collection frees.
    /// </summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Maximum size of a Parquet object, in bytes (default 256 MiB). AWS caps a delivered flow log file at 75 MB.
    /// A Parquet object that does not arrive on a seekable stream is copied to a temporary file, and
    /// a larger one stops with <see cref="Objects.DecompressedSizeExceededException"/>.
    /// </summary>
    public long MaxParquetBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Maximum number of rows in one Parquet row group (default 1,000,000). The reader keeps every
    /// mapped column of one row group in memory, so a larger row group is rejected as a whole.
    /// NOTE: AWS does not document the row group size of its Parquet flow logs, so this bound is a guess.
    /// </summary>
    public long MaxRowGroupRows { get; init; } = 1_000_000;

    public static VpcFlowReaderOptions Default { get; } = new();

    /// <summary>Checks that every bound is in its range and returns these options. Throws <see cref="ArgumentOutOfRangeException"/> otherwise.</summary>
    internal VpcFlowReaderOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxLineBytes, MaxLineBytesLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParquetBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRowGroupRows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRowGroupRows, MaxRowGroupRowsLimit);
        return this;
    }
}
