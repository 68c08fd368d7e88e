using System.Diagnostics.Metrics;
using Vigil.Contracts.Storage;
using Vigil.Grains.Diagnostics;

namespace Vigil.Host.Sources;

/// <summary>
/// Per-source metrics on the <c>Vigil</c> meter: objects and records of each source, tagged with the
/// source id and kind, and the lag between the newest event time of an object and its processing.
/// </summary>
public sealed class SourceInstruments
{
    private readonly Counter<long> objects;
    private readonly Counter<long> records;
    private readonly Histogram<double> lag;

    public SourceInstruments(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(VigilInstruments.Name);
        objects = meter.CreateCounter<long>("vigil.source.objects", "{object}", "Objects read per source, by outcome (done, failed).");
        records = meter.CreateCounter<long>("vigil.source.records", "{record}", "Records per source, by outcome (read, rejected, unregistered_account).");
        lag = meter.CreateHistogram<double>("vigil.source.lag", "s", "Seconds between the newest event time of an object read from a source and the end of its processing.");
    }

    public void Record(SourceDefinition source, SourceProgress progress)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(progress);
        var id = new KeyValuePair<string, object?>("source.id", source.Id.ToString());
        var kind = new KeyValuePair<string, object?>("source.kind", source.Kind.ToString());
        if (progress.ObjectsRead > 0)
        {
            objects.Add(progress.ObjectsRead - progress.ObjectsFailed, id, kind, new KeyValuePair<string, object?>("outcome", "done"));
            objects.Add(progress.ObjectsFailed, id, kind, new KeyValuePair<string, object?>("outcome", "failed"));
        }

        records.Add(progress.RecordsRead, id, kind, new KeyValuePair<string, object?>("outcome", "read"));
        records.Add(progress.RecordsRejected - progress.RecordsFromUnregisteredAccounts, id, kind, new KeyValuePair<string, object?>("outcome", "rejected"));
        records.Add(progress.RecordsFromUnregisteredAccounts, id, kind, new KeyValuePair<string, object?>("outcome", "unregistered_account"));
        if (progress.NewestEventTime is not null)
        {
            lag.Record((progress.At - progress.NewestEventTime.Value).TotalSeconds, id, kind);
        }
    }
}
