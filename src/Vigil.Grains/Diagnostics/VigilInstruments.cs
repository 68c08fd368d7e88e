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

    public VigilInstruments(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        objects = meter.CreateCounter<long>("vigil.ingest.objects", "{object}", "Log objects finished, by kind and outcome (done, failed).");
        records = meter.CreateCounter<long>("vigil.ingest.records", "{record}", "Log records by outcome (applied, rejected, duplicate).");
        findings = meter.CreateCounter<long>("vigil.findings.occurrences", "{occurrence}", "Finding occurrences raised by the detectors, by finding type.");
        lag = meter.CreateHistogram<double>("vigil.ingest.lag", "s", "Seconds between the newest event time of an object and the end of its processing.");
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

    public void RecordFindings(string findingType, long occurrences) =>
        findings.Add(occurrences, new KeyValuePair<string, object?>("type", findingType));
}
