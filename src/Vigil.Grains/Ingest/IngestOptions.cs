using Vigil.Ingestion.CloudTrail;

namespace Vigil.Grains.Ingest;

/// <summary>How log objects are read and routed to grains.</summary>
public sealed record IngestOptions
{
    /// <summary>Events buffered from one object before they are sent, one grain call per principal (default 5,000).</summary>
    public int ChunkSize { get; init; } = 5_000;

    /// <summary>Rejected records logged one by one per object before only the count is kept (default 20).</summary>
    public int MaxRejectionsLogged { get; init; } = 20;

    /// <summary>Objects of one folder pass read at the same time (default: the number of processors).</summary>
    public int MaxParallelObjects { get; init; } = Environment.ProcessorCount;

    /// <summary>Done objects remembered so that rescans skip them without a ledger query (default 2,000,000, 16 bytes each).</summary>
    public int MaxCachedDoneObjects { get; init; } = 2_000_000;

    /// <summary>Grain references kept per grain type before the cache starts over (default 100,000).</summary>
    public int MaxCachedGrainReferences { get; init; } = 100_000;

    public CloudTrailReaderOptions Reader { get; init; } = CloudTrailReaderOptions.Default;
}
