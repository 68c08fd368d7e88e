namespace Vigil.Contracts.Storage;

/// <summary>
/// Progress of log objects (delivered files). An object is recorded as done only after its events
/// were applied and the resulting findings are durable.
/// </summary>
public interface IObjectLedger
{
    /// <summary>Returns true when this tenant already finished the object with this key and fingerprint.</summary>
    Task<bool> IsDoneAsync(string tenantId, string objectKey, string fingerprint, CancellationToken cancellationToken);

    Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken);
}

public enum ObjectKind
{
    CloudTrail,
    CloudTrailDigest,
    Unknown,
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
