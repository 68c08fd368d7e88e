namespace Vigil.Grains.Ingest;

public enum FirehoseIngestStatus
{
    /// <summary>Every usable record was applied by its grain and its findings are stored; the rest were rejected for good.</summary>
    Applied,

    /// <summary>A request with this id and body was applied before; nothing was done again.</summary>
    AlreadyApplied,

    /// <summary>The body is not a Firehose delivery request, or its request id does not match the header.</summary>
    InvalidRequest,

    /// <summary>The request exceeds a limit (records, or decompressed bytes).</summary>
    RequestTooLarge,

    /// <summary>Applying the records failed (grain, storage or source settings); a retry can succeed.</summary>
    Failed,
}

/// <summary>What one Firehose delivery request did, with the first rejections located by record and log event index.</summary>
public sealed record FirehoseIngestResult
{
    public required FirehoseIngestStatus Status { get; init; }

    public required string RequestId { get; init; }

    /// <summary>Why the request failed; null for <see cref="FirehoseIngestStatus.Applied"/> and <see cref="FirehoseIngestStatus.AlreadyApplied"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Log events applied for the first time.</summary>
    public long RecordsApplied { get; init; }

    /// <summary>Log events (or undecodable Firehose records) rejected, including those of unregistered accounts.</summary>
    public long RecordsRejected { get; init; }

    public long RecordsFromUnregisteredAccounts { get; init; }

    /// <summary>Log events the grains had applied before (a retried request).</summary>
    public long Duplicates { get; init; }

    public long FindingsRaised { get; init; }

    /// <summary>CloudWatch Logs <c>CONTROL_MESSAGE</c> records, which carry no log data and are skipped.</summary>
    public long ControlMessages { get; init; }

    /// <summary>The first rejections (at most <see cref="IngestOptions.MaxRejectionsLogged"/>).</summary>
    public IReadOnlyList<FirehoseRejection> Rejections { get; init; } = [];
}

/// <summary>One rejected Firehose record or log event: its index in <c>records</c>, its index in <c>logEvents</c> (or line), the field and the reason.</summary>
public sealed record FirehoseRejection(int RecordIndex, int? EventIndex, string? Field, string Reason)
{
    public override string ToString()
    {
        var location = EventIndex is null ? $"record {RecordIndex}" : $"record {RecordIndex}, log event {EventIndex}";
        return Field is null ? $"{location}: {Reason}" : $"{location}, field {Field}: {Reason}";
    }
}
