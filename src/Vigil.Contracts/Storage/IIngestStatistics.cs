namespace Vigil.Contracts.Storage;

/// <summary>
/// Ingest throughput of the whole platform, every tenant together, from the object ledger. Only the
/// cluster page of platform operators reads it.
/// </summary>
public interface IIngestStatistics
{
    /// <summary>
    /// Counts the objects (and Firehose requests) finished per step in [<paramref name="from"/>,
    /// <paramref name="to"/>), by wall-clock finish time, with their records. Steps without objects
    /// are present with zeros. The ledger keeps the latest read of each object, so a re-read moves
    /// the object to the step of its latest read.
    /// </summary>
    Task<IReadOnlyList<IngestRate>> GetThroughputAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken);
}

/// <summary>What the silos finished in one step: objects read and failed, records read and rejected.</summary>
public sealed record IngestRate(DateTimeOffset Start, long Objects, long FailedObjects, long Records, long RejectedRecords);
