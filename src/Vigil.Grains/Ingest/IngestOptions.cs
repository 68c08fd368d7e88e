using Vigil.Ingestion.CloudTrail;

namespace Vigil.Grains.Ingest;

/// <summary>How log objects are read and routed to grains.</summary>
public sealed record IngestOptions
{
    /// <summary>Records of one object per chunk: the chunk number counts up every this many records (default 5,000).</summary>
    public int ChunkSize { get; init; } = 5_000;

    /// <summary>Rejected records logged one by one per object before only the count is kept (default 20).</summary>
    public int MaxRejectionsLogged { get; init; } = 20;

    /// <summary>Objects of one folder pass read at the same time (default: the number of processors).</summary>
    public int MaxParallelObjects { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// CloudTrail events buffered across objects before they are sent, one grain call per principal
    /// (default 2,000, about 5 delivered files of 400 events). Events wait in the window, so a larger
    /// one keeps them past young-generation collections. In `vigil replay` over 300,000 CloudTrail
    /// records, a window of 20,000 used about three times the memory of 2,000 and no less CPU time.
    /// </summary>
    public int WindowCloudTrailEvents { get; init; } = 2_000;

    /// <summary>
    /// Flow records and DNS queries buffered across objects before they are sent, one grain call per
    /// endpoint (default 20,000, 8 files of 2,500 flow records).
    /// </summary>
    public int WindowNetworkRecords { get; init; } = 20_000;

    /// <summary>
    /// Longest time a buffered chunk waits for its window to be sent while other objects are still
    /// being read (default 2 s). A window is sent at once when no object is being read, so a lone
    /// new object does not wait for this.
    /// </summary>
    public TimeSpan WindowMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Done objects remembered so that rescans skip them without a ledger query (default 2,000,000, 16 bytes each).</summary>
    public int MaxCachedDoneObjects { get; init; } = 2_000_000;

    /// <summary>Grain references kept per grain type before the cache starts over (default 100,000).</summary>
    public int MaxCachedGrainReferences { get; init; } = 100_000;

    public CloudTrailReaderOptions Reader { get; init; } = CloudTrailReaderOptions.Default;
}
