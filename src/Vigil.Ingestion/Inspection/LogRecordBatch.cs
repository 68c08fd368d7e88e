using Vigil.Contracts.Events;

namespace Vigil.Ingestion.Inspection;

/// <summary>Normalised records of one object, handed to the caller of <see cref="LogObjectInspector"/> in file order.</summary>
public abstract record LogRecordBatch
{
    public abstract int Count { get; }

    /// <summary>The records as objects, for callers that only serialise them.</summary>
    public abstract IEnumerable<object> Items { get; }
}

/// <summary>Events of a CloudTrail log file, Insights events included.</summary>
public sealed record CloudTrailEventBatch(IReadOnlyList<CloudTrailEvent> Events) : LogRecordBatch
{
    public override int Count => Events.Count;

    public override IEnumerable<object> Items => Events;
}

/// <summary>
/// Records of a VPC or Transit Gateway flow log, text or Parquet. The reader refills
/// <see cref="Records"/> for its next batch once the callback that received this one completes.
/// </summary>
public sealed record FlowRecordBatch(IReadOnlyList<FlowRecord> Records) : LogRecordBatch
{
    public override int Count => Records.Count;

    public override IEnumerable<object> Items => Records.Select(static record => (object)record);
}

/// <summary>Records of a Route 53 Resolver query log.</summary>
public sealed record DnsQueryRecordBatch(IReadOnlyList<DnsQueryRecord> Records) : LogRecordBatch
{
    public override int Count => Records.Count;

    public override IEnumerable<object> Items => Records;
}
