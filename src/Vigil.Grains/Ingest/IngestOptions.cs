using Vigil.Ingestion.CloudTrail;

namespace Vigil.Grains.Ingest;

/// <summary>How log objects are read and routed to grains.</summary>
public sealed record IngestOptions
{
    /// <summary>Events buffered from one object before they are sent, one grain call per principal (default 5,000).</summary>
    public int ChunkSize { get; init; } = 5_000;

    /// <summary>Rejected records logged one by one per object before only the count is kept (default 20).</summary>
    public int MaxRejectionsLogged { get; init; } = 20;

    public CloudTrailReaderOptions Reader { get; init; } = CloudTrailReaderOptions.Default;
}
