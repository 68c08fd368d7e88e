namespace Vigil.Ingestion.Firehose;

/// <summary>Bounds that keep one Firehose delivery request from exhausting memory.</summary>
public sealed record FirehoseLimits
{
    /// <summary>
    /// Largest request body, in bytes, after any <c>Content-Encoding: gzip</c> is undone (default
    /// 64 MiB). Firehose buffers at most 64 MiB of records for an HTTP endpoint before base64
    /// encoding, so streams with the largest buffer size need a higher limit.
    /// </summary>
    public long MaxRequestBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most records in one request (default 10,000); a request with more is rejected as too large.</summary>
    public int MaxRecords { get; init; } = 10_000;

    /// <summary>Largest decompressed record, in bytes (default 8 MiB); a larger record is rejected alone.</summary>
    public int MaxRecordBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Largest total of decompressed record bytes in one request (default 256 MiB); beyond it the request is rejected as too large.</summary>
    public long MaxDecompressedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most log events in one record (default 100,000); a record with more is rejected alone.</summary>
    public int MaxEventsPerRecord { get; init; } = 100_000;

    /// <summary>Longest log event message, in UTF-8 bytes (default 1 MiB, the CloudWatch Logs event size limit); a longer one is rejected alone.</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024;

    public static FirehoseLimits Default { get; } = new();

    /// <summary>Checks that every bound is positive and returns these limits; throws <see cref="ArgumentOutOfRangeException"/> otherwise.</summary>
    public FirehoseLimits Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDecompressedBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventsPerRecord, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1);
        return this;
    }
}
