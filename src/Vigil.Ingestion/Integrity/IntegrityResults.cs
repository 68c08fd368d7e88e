using Vigil.Contracts.Text;

namespace Vigil.Ingestion.Integrity;

/// <summary>Outcome of validating one digest file. Each value maps to a message of <c>aws cloudtrail validate-logs</c>.</summary>
public enum DigestVerdict
{
    /// <summary><c>valid</c></summary>
    Valid,

    /// <summary><c>INVALID: has been moved from its original location</c>: the file's own bucket and key fields name another place.</summary>
    Moved,

    /// <summary><c>INVALID: invalid format</c>: damaged gzip data, invalid JSON, or a missing or mistyped field.</summary>
    InvalidFormat,

    /// <summary><c>INVALID: not found</c></summary>
    NotFound,

    /// <summary><c>INVALID: public key not found … for fingerprint …</c>: no key with the fingerprint, or none valid at the digest end time.</summary>
    PublicKeyNotFound,

    /// <summary><c>INVALID: Unable to load PKCS #1 key with fingerprint …</c></summary>
    PublicKeyNotLoaded,

    /// <summary><c>INVALID: signature verification failed</c>, also when no signature is available.</summary>
    SignatureFailed,

    /// <summary>
    /// <c>INVALID: hash value doesn't match</c>: the file's SHA-256 differs from the
    /// <c>previousDigestHashValue</c> of the valid newer digest that refers to it. The AWS CLI does
    /// not make this check, so it has no message for it, and this one reuses its wording for log files.
    /// </summary>
    HashMismatch,
}

/// <summary>Outcome of validating one log file listed in a valid digest, with the messages of <c>aws cloudtrail validate-logs</c>.</summary>
public enum LogFileVerdict
{
    /// <summary><c>valid</c></summary>
    Valid,

    /// <summary><c>INVALID: hash value doesn't match</c>: the file changed after delivery.</summary>
    HashMismatch,

    /// <summary><c>INVALID: invalid format</c>: damaged gzip data, or larger than the size limit.</summary>
    InvalidFormat,

    /// <summary><c>INVALID: not found</c>: the file was deleted or moved.</summary>
    NotFound,
}

/// <summary>
/// The verdict on one digest file at <c>s3://Bucket/Key</c>. <see cref="Message"/> contains the AWS CLI's
/// words, followed in brackets by any further detail Vigil found. <see cref="Digest"/> is set
/// whenever the file was read and parsed, valid or not.
/// </summary>
public sealed record DigestResult(string Bucket, string Key, DigestVerdict Verdict, string Message, DigestFile? Digest)
{
    public bool IsValid => Verdict == DigestVerdict.Valid;

    /// <summary>Formats the result as the AWS CLI prints it: <c>Digest file</c>, the S3 URL and the message, separated by tabs.</summary>
    public string ToLine() => $"Digest file\ts3://{LogText.Escape(Bucket)}/{LogText.Escape(Key)}\t{LogText.Escape(Message)}";
}

/// <summary>The verdict on one log file at <c>s3://Bucket/Key</c>; <see cref="Message"/> contains the AWS CLI's words and any detail.</summary>
public sealed record LogFileResult(string Bucket, string Key, LogFileVerdict Verdict, string Message)
{
    public bool IsValid => Verdict == LogFileVerdict.Valid;

    /// <summary>Formats the result as the AWS CLI prints it: <c>Log file</c>, the S3 URL and the message, separated by tabs.</summary>
    public string ToLine() => $"Log file\ts3://{LogText.Escape(Bucket)}/{LogText.Escape(Key)}\t{LogText.Escape(Message)}";
}

/// <summary>Receives the results of <see cref="TrailValidator"/> as they are found, newest digest first.</summary>
public interface ITrailValidationListener
{
    void OnDigest(DigestResult result);

    void OnLogFile(LogFileResult result);

    /// <summary>
    /// Called when a valid starting digest (one without a previous digest) has older digests before
    /// it: CloudTrail delivered no digests between <paramref name="from"/> (the older digest's end
    /// time) and <paramref name="to"/> (the starting digest's start time), because logging or
    /// validation was off, or the trail did not exist.
    /// </summary>
    void OnGap(DateTimeOffset from, DateTimeOffset to);
}

/// <summary>
/// Counts of one validation run, and the delivery times the valid digests cover within the
/// requested range (null when no digest was valid).
/// </summary>
public sealed record TrailValidationSummary(int ValidDigests, int InvalidDigests, int ValidLogFiles, int InvalidLogFiles, DateTimeOffset? FoundStart, DateTimeOffset? FoundEnd)
{
    /// <summary>True when at least one digest was validated and nothing was invalid.</summary>
    public bool Succeeded => ValidDigests > 0 && InvalidDigests == 0 && InvalidLogFiles == 0;
}
