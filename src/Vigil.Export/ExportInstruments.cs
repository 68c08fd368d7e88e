using System.Diagnostics.Metrics;
using Vigil.Contracts.Storage;

namespace Vigil.Export;

/// <summary>
/// Export metrics on the <c>Vigil</c> meter: findings exported per destination, destination kind,
/// change (new or update), finding type and outcome (sent or dead_letter).
/// </summary>
public sealed class ExportInstruments
{
    /// <summary>The meter's name; the same meter as the ingest and finding metrics.</summary>
    public const string MeterName = "Vigil";

    private readonly Counter<long> findings;

    public ExportInstruments(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        findings = meter.CreateCounter<long>(
            "vigil.export.findings",
            "{finding}",
            "Finding versions exported, by destination, destination kind, change (new, update), finding type and outcome (sent, dead_letter).");
    }

    public void RecordExported(ExportDestination destination, ExportStream stream, string findingType, string outcome) =>
        findings.Add(
            1,
            new KeyValuePair<string, object?>("destination", destination.Id.ToString()),
            new KeyValuePair<string, object?>("kind", destination.Kind.ToString()),
            new KeyValuePair<string, object?>("change", stream == ExportStream.New ? "new" : "update"),
            new KeyValuePair<string, object?>("finding_type", findingType),
            new KeyValuePair<string, object?>("outcome", outcome));
}
