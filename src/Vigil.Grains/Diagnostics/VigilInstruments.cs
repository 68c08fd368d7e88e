using System.Diagnostics;
using System.Diagnostics.Metrics;
using Vigil.Contracts.Storage;

namespace Vigil.Grains.Diagnostics;

/// <summary>
/// Vigil's own metrics (meter <c>Vigil</c>) and traces (activity source <c>Vigil</c>). Exporters
/// are the host's business; without one, recording costs almost nothing.
/// </summary>
public sealed class VigilInstruments
{
    public const string Name = "Vigil";

    /// <summary>Activity source for the spans that follow an object from read to findings.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> objects;
    private readonly Counter<long> records;
    private readonly Counter<long> findings;
    private readonly Histogram<double> lag;
    private readonly Counter<long> grainCalls;
    private readonly Histogram<long> batchRecords;
    private readonly Counter<long> findingWrites;

    public VigilInstruments(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        objects = meter.CreateCounter<long>("vigil.ingest.objects", "{object}", "Log objects finished, by kind and outcome (done, failed).");
        records = meter.CreateCounter<long>("vigil.ingest.records", "{record}", "Log records by outcome (applied, rejected, duplicate).");
        findings = meter.CreateCounter<long>("vigil.findings.occurrences", "{occurrence}", "Finding occurrences raised by the detectors, by finding type.");
        lag = meter.CreateHistogram<double>("vigil.ingest.lag", "s", "Seconds between the newest event time of an object and the end of its processing.");
        grainCalls = meter.CreateCounter<long>("vigil.ingest.grain_calls", "{call}", "Grain calls sent by the ingestors, one per batch of records for one grain, by record kind.");
        batchRecords = meter.CreateHistogram<long>(
            "vigil.ingest.batch_records",
            "{record}",
            "Records in each batch sent to a grain, by record kind.",
            tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 10, 100, 1_000, 10_000, 100_000] });
        findingWrites = meter.CreateCounter<long>(
            "vigil.findings.writes",
            "{finding}",
            "Findings written by the grains to the finding store, by finding type. A write creates the finding or updates the stored one, and the store does not report which.");
    }

    public void RecordObject(ObjectRecord record, DateTimeOffset? newestEventTime)
    {
        var kind = new KeyValuePair<string, object?>("kind", record.Kind.ToString());
        objects.Add(1, kind, new KeyValuePair<string, object?>("outcome", record.Error is null ? "done" : "failed"));
        records.Add(record.RecordsRead - record.DuplicatesDropped, kind, new KeyValuePair<string, object?>("outcome", "applied"));
        records.Add(record.RecordsRejected, kind, new KeyValuePair<string, object?>("outcome", "rejected"));
        records.Add(record.DuplicatesDropped, kind, new KeyValuePair<string, object?>("outcome", "duplicate"));
        if (newestEventTime is not null)
        {
            lag.Record((record.FinishedAt - newestEventTime.Value).TotalSeconds, kind);
        }
    }

    /// <summary>Counts one finding that a grain wrote to the finding store, and the occurrences it carried.</summary>
    public void RecordFindings(string findingType, long occurrences)
    {
        var type = new KeyValuePair<string, object?>("type", findingType);
        findings.Add(occurrences, type);
        findingWrites.Add(1, type);
    }

    /// <summary>Counts one grain call of an ingestor and the number of records it carried.</summary>
    public void RecordGrainCall(ObjectKind kind, int recordCount)
    {
        var tag = new KeyValuePair<string, object?>("kind", KindTag(kind));
        grainCalls.Add(1, tag);
        batchRecords.Record(recordCount, tag);
    }

    // Cached names, so a grain call does not format the enum.
    private static string KindTag(ObjectKind kind) => kind switch
    {
        ObjectKind.CloudTrail => nameof(ObjectKind.CloudTrail),
        ObjectKind.VpcFlow => nameof(ObjectKind.VpcFlow),
        ObjectKind.Route53 => nameof(ObjectKind.Route53),
        _ => kind.ToString(),
    };
}
