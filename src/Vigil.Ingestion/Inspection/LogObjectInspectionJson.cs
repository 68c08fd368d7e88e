using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Vigil.Ingestion.Inspection;

/// <summary>
/// Writes inspection results and normalised records as JSON, in the shapes <c>vigil parse</c>
/// prints with <c>--json</c> and <c>--records</c>.
/// </summary>
/// <remarks>
/// Every character outside printable ASCII is written as a <c>\u</c> escape, so a log value
/// cannot send control sequences to a terminal that shows the output.
/// </remarks>
public static class LogObjectInspectionJson
{
    /// <summary>
    /// Settings for the normalised records: camel-case names, enums as strings, nulls omitted and
    /// times as ISO-8601 with their offset, which is always UTC in the records.
    /// </summary>
    public static JsonSerializerOptions RecordOptions { get; } = CreateRecordOptions();

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>
    /// Writes one line per record of <paramref name="batch"/> to <paramref name="output"/>:
    /// <c>{"path":…,"recordType":…,"record":{…}}</c>, where the record type is <c>cloudtrail-event</c>,
    /// <c>flow-record</c> or <c>dns-query-record</c>.
    /// </summary>
    public static void WriteRecordLines(IBufferWriter<byte> output, string path, LogRecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(batch);

        var recordType = RecordTypeOf(batch);
        foreach (var record in batch.Items)
        {
            using (var writer = new Utf8JsonWriter(output, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("path", path);
                writer.WriteString("recordType", recordType);
                writer.WritePropertyName("record");
                JsonSerializer.Serialize(writer, record, record.GetType(), RecordOptions);
                writer.WriteEndObject();
            }

            output.Write("\n"u8);
        }
    }

    /// <summary>
    /// Writes one JSON document: <c>{"objects":[…],"total":{…}}</c>, with one entry per inspected
    /// object in the order given and the totals over all of them.
    /// </summary>
    public static void WriteResults(Utf8JsonWriter writer, IReadOnlyList<LogObjectInspection> inspections)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(inspections);

        var totals = LogObjectInspectionTotals.Zero;
        writer.WriteStartObject();
        writer.WriteStartArray("objects");
        foreach (var inspection in inspections)
        {
            WriteInspection(writer, inspection);
            totals = totals.Add(inspection);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("total");
        writer.WriteNumber("objects", totals.Objects);
        writer.WriteNumber("recordsRead", totals.RecordsRead);
        writer.WriteNumber("recordsRejected", totals.RecordsRejected);
        writer.WriteNumber("objectsFailed", totals.ObjectsFailed);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteInspection(Utf8JsonWriter writer, LogObjectInspection inspection)
    {
        writer.WriteStartObject();
        writer.WriteString("path", inspection.Name);
        writer.WriteString("kind", LogObjectNames.Of(inspection.Kind));
        writer.WriteString("format", LogObjectNames.Of(inspection.Format));
        writer.WriteString("compression", LogObjectNames.Of(inspection.Compression));
        writer.WriteNumber("recordsRead", inspection.RecordsRead);
        writer.WriteNumber("recordsRejected", inspection.RecordsRejected);
        writer.WriteNumber("insightRecords", inspection.InsightRecords);
        writer.WriteStartArray("rejections");
        foreach (var rejection in inspection.Rejections)
        {
            writer.WriteStartObject();
            writer.WriteNumber("recordIndex", rejection.RecordIndex);
            writer.WriteNumber("line", rejection.Line);
            writer.WriteNumber("byteOffset", rejection.ByteOffset);
            writer.WriteString("field", rejection.Field);
            writer.WriteString("reason", rejection.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("error", inspection.Error);
        writer.WriteEndObject();
    }

    private static string RecordTypeOf(LogRecordBatch batch) => batch switch
    {
        CloudTrailEventBatch => "cloudtrail-event",
        FlowRecordBatch => "flow-record",
        DnsQueryRecordBatch => "dns-query-record",
        _ => throw new ArgumentException($"Unsupported batch type {batch.GetType().Name}.", nameof(batch)),
    };

    private static JsonSerializerOptions CreateRecordOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}
