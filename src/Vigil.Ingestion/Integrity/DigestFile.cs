namespace Vigil.Ingestion.Integrity;

/// <summary>
/// A CloudTrail digest file: the log files CloudTrail delivered for one trail and Region in one
/// hour, with their SHA-256 hashes, and the location and signature of the previous digest file.
/// Time fields keep their raw text as well, because the signing string uses <c>digestEndTime</c> verbatim.
/// </summary>
public sealed record DigestFile
{
    public string? AwsAccountId { get; init; }

    public required DateTimeOffset DigestStartTime { get; init; }

    public required DateTimeOffset DigestEndTime { get; init; }

    /// <summary>The <c>digestEndTime</c> text exactly as the file writes it.</summary>
    public required string DigestEndTimeText { get; init; }

    public required string DigestS3Bucket { get; init; }

    public required string DigestS3Object { get; init; }

    /// <summary>Hex fingerprint of the public key whose private key signed this digest.</summary>
    public required string DigestPublicKeyFingerprint { get; init; }

    /// <summary><c>SHA256withRSA</c> in every digest AWS documents; null when the field is absent.</summary>
    public string? DigestSignatureAlgorithm { get; init; }

    /// <summary>Null when no log files were delivered in the hour.</summary>
    public DateTimeOffset? NewestEventTime { get; init; }

    public DateTimeOffset? OldestEventTime { get; init; }

    public string? PreviousDigestS3Bucket { get; init; }

    public string? PreviousDigestS3Object { get; init; }

    /// <summary>Hex SHA-256 of the previous digest file's uncompressed content.</summary>
    public string? PreviousDigestHashValue { get; init; }

    public string? PreviousDigestHashAlgorithm { get; init; }

    /// <summary>Hex signature of the previous digest file; null in the starting digest of a chain.</summary>
    public string? PreviousDigestSignature { get; init; }

    public required IReadOnlyList<DigestLogFile> LogFiles { get; init; }

    /// <summary>Hex SHA-256 (lower case) of this digest file's uncompressed content.</summary>
    public required string ContentSha256 { get; init; }

    /// <summary>True when the digest names a previous digest; false for the starting digest of a chain.</summary>
    public bool HasPrevious => PreviousDigestS3Bucket is not null && PreviousDigestS3Object is not null;
}

/// <summary>One log file a digest lists: where it was delivered and the hex SHA-256 of its uncompressed content.</summary>
public sealed record DigestLogFile
{
    public required string S3Bucket { get; init; }

    public required string S3Object { get; init; }

    public required string HashValue { get; init; }

    /// <summary><c>SHA-256</c> in every digest AWS documents; null when the field is absent.</summary>
    public string? HashAlgorithm { get; init; }

    public DateTimeOffset? NewestEventTime { get; init; }

    public DateTimeOffset? OldestEventTime { get; init; }
}
