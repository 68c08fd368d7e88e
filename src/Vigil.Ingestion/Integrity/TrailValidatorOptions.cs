namespace Vigil.Ingestion.Integrity;

/// <summary>Size limits that keep one hostile digest or log file from exhausting memory or disk reads.</summary>
public sealed record TrailValidatorOptions
{
    /// <summary>
    /// Largest uncompressed digest file, in bytes (default 64 MiB). A digest is held whole. One log
    /// file entry takes about 400 bytes, so the default allows more than 100,000 log files an hour.
    /// </summary>
    public long MaxDigestBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest uncompressed log file hashed, in bytes (default 2 GiB, the CloudTrail reader's limit). A larger one is invalid.</summary>
    public long MaxLogFileBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    public static TrailValidatorOptions Default { get; } = new();
}
