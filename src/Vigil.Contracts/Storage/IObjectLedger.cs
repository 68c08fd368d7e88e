namespace Vigil.Contracts.Storage;

/// <summary>
/// Progress of log objects (delivered files). An object is recorded as done only after its events
/// were applied and the resulting findings are durable. A failed object is read again after a
/// back-off delay that doubles with each failure (<see cref="ObjectRetryPolicy"/>), until it gives up.
/// Readers that share a ledger take a lease on an object before they read it, so no two of them
/// read one object at the same time (<see cref="ObjectLeasePolicy"/>).
/// </summary>
public interface IObjectLedger
{
    /// <summary>
    /// Decides whether the tenant's object with this key and fingerprint should be read at
    /// <paramref name="now"/>. <see cref="ObjectReadDecision.Read"/> means that this caller now holds
    /// the object's lease. The caller must then call <see cref="RecordAsync"/> with the outcome, or
    /// <see cref="ReleaseAsync"/> when it abandons the read.
    /// </summary>
    Task<ObjectReadDecision> DecideAsync(string tenantId, string objectKey, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records the outcome of a read and releases this caller's lease on the object. A failure of the
    /// same fingerprint counts one more attempt.
    /// </summary>
    Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Releases this caller's lease on an object whose read was abandoned without an outcome (shutdown,
    /// or a grain or database call that failed), so another reader can take it at once. A lease that
    /// another reader holds is left alone.
    /// </summary>
    Task ReleaseAsync(string tenantId, string objectKey, CancellationToken cancellationToken);
}

public enum ObjectReadDecision
{
    /// <summary>Never read, rewritten since, or due for another attempt.</summary>
    Read,

    /// <summary>Read to the end with this fingerprint.</summary>
    AlreadyDone,

    /// <summary>Failed before; the next attempt is not due yet.</summary>
    WaitingForRetry,

    /// <summary>Failed <see cref="ObjectRetryPolicy.MaxAttempts"/> times; it is read again only when it is rewritten.</summary>
    GaveUp,

    /// <summary>Due to be read, but another reader holds an unexpired lease on it.</summary>
    LeasedByAnother,
}

/// <summary>When a failed object is read again: after 30 s, then 1, 2, 4 and 8 minutes, then never (6 attempts).</summary>
public static class ObjectRetryPolicy
{
    public const int MaxAttempts = 6;

    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>Returns the delay before the attempt that follows failed attempt number <paramref name="attempts"/> (1-based).</summary>
    public static TimeSpan DelayAfter(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(FirstDelay.Ticks * factor, MaxDelay.Ticks));
        return delay;
    }

    /// <summary>Applies the policy to an object's latest ledger entry.</summary>
    public static ObjectReadDecision Decide(string? recordedFingerprint, string? error, int attempts, DateTimeOffset? nextAttemptAt, string fingerprint, DateTimeOffset now)
    {
        if (recordedFingerprint is null || recordedFingerprint != fingerprint)
        {
            return ObjectReadDecision.Read;
        }

        if (error is null)
        {
            return ObjectReadDecision.AlreadyDone;
        }

        if (attempts >= MaxAttempts)
        {
            return ObjectReadDecision.GaveUp;
        }

        return nextAttemptAt is not null && nextAttemptAt > now ? ObjectReadDecision.WaitingForRetry : ObjectReadDecision.Read;
    }
}

public enum ObjectKind
{
    CloudTrail,
    CloudTrailDigest,
    Unknown,
    VpcFlow,
    Route53,
}

/// <summary>The outcome of reading one object.</summary>
public sealed record ObjectRecord
{
    public required string TenantId { get; init; }

    /// <summary>The object's key: a path relative to the watched folder, or an S3 key.</summary>
    public required string ObjectKey { get; init; }

    /// <summary>Size and modification time (or S3 ETag) that tell a rewritten object from the one already read.</summary>
    public required string Fingerprint { get; init; }

    public required ObjectKind Kind { get; init; }

    public required long RecordsRead { get; init; }

    public required long RecordsRejected { get; init; }

    public required long DuplicatesDropped { get; init; }

    public required long FindingsRaised { get; init; }

    /// <summary>Null when the object was read to the end; otherwise why it stopped.</summary>
    public string? Error { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }
}
