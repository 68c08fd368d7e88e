using Vigil.Ingestion.CloudTrail;

namespace Vigil.Grains.Ingest;

/// <summary>How log objects are read and routed to grains.</summary>
public sealed record IngestOptions
{
    /// <summary>Default of <see cref="WindowCloudTrailEvents"/>.</summary>
    public const int DefaultWindowCloudTrailEvents = 20_000;

    /// <summary>Records of one object per chunk: the chunk number counts up every this many records (default 5,000).</summary>
    public int ChunkSize { get; init; } = 5_000;

    /// <summary>Rejected records logged one by one per object before only the count is kept (default 20).</summary>
    public int MaxRejectionsLogged { get; init; } = 20;

    /// <summary>Objects of one folder pass read at the same time (default: the number of processors).</summary>
    public int MaxParallelObjects { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// CloudTrail events buffered across objects before they are sent, one grain call per principal
    /// (default 20,000, about 50 delivered files of 400 events). A grain call costs Orleans messaging
    /// and per-call work in the grain whatever its size, so a larger window makes fewer calls for the
    /// same events but keeps more of them in memory, and for longer. The host's ingestors take the value
    /// from <c>Vigil:Ingest:WindowCloudTrailEvents</c>. Over 300,000 CloudTrail records of 3,200
    /// principals (<c>vigil bench run --host</c>, 2 cores), 20,000 used about 12% less host CPU time
    /// than 2,000 and about 280 MiB more resident memory (about 700 against 420 MiB).
    /// </summary>
    public int WindowCloudTrailEvents { get; init; } = DefaultWindowCloudTrailEvents;

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
