using System.IO.Compression;
using Vigil.Ingestion.Inspection;
using Vigil.Tests.Support;
using Vigil.Tests.VpcFlow;

namespace Vigil.Tests.Inspection;

/// <summary>Everything one inspection produced: its result and the record batches handed to the callback.</summary>
internal sealed record InspectionRead(LogObjectInspection Result, IReadOnlyList<LogRecordBatch> Batches)
{
    public static readonly DateTimeOffset IngestTime = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public int RecordsDelivered => Batches.Sum(batch => batch.Count);

    /// <summary>Inspects a file of <c>Fixtures/Inspection</c> by its path.</summary>
    public static Task<InspectionRead> FixtureAsync(string name, LogObjectInspectorOptions? options = null) =>
        FileAsync(Fixture.PathOf("Inspection/" + name), name, options);

    public static async Task<InspectionRead> FileAsync(string path, string name, LogObjectInspectorOptions? options = null)
    {
        var batches = new List<LogRecordBatch>();
        var result = await Inspector(options).InspectFileAsync(path, name, batch => Collect(batches, batch), CancellationToken.None);
        return new InspectionRead(result, batches);
    }

    public static async Task<InspectionRead> StreamAsync(Stream content, string name, LogObjectInspectorOptions? options = null)
    {
        var batches = new List<LogRecordBatch>();
        var result = await Inspector(options).InspectAsync(content, name, batch => Collect(batches, batch), CancellationToken.None);
        return new InspectionRead(result, batches);
    }

    public static Task<InspectionRead> BytesAsync(byte[] content, string name, LogObjectInspectorOptions? options = null) =>
        StreamAsync(new MemoryStream(content, writable: false), name, options);

    public static byte[] Gzip(byte[] plain)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    /// <summary>Writes a Parquet flow log of three rows (two ACCEPT flows and a NODATA row) with Parquet.Net.</summary>
    public static async Task<byte[]> FlowParquetAsync()
    {
        TestColumn[] columns =
        [
            new Int32Column("version", 2, 2, 2),
            new TextColumn("account_id", "111122223333", "111122223333", "111122223333"),
            new TextColumn("interface_id", "eni-0a1b2c3d4e5f60030", "eni-0a1b2c3d4e5f60030", "eni-0a1b2c3d4e5f60031"),
            new TextColumn("srcaddr", "198.51.100.30", "10.0.30.20", null),
            new TextColumn("dstaddr", "10.0.30.20", "198.51.100.30", null),
            new Int32Column("srcport", 40030, 443, null),
            new Int32Column("dstport", 443, 40030, null),
            new Int32Column("protocol", 6, 6, null),
            new Int64Column("packets", 10, 8, null),
            new Int64Column("bytes", 1500, 9000, null),
            new Int64Column("start", 1_700_000_000, 1_700_000_000, 1_700_000_000),
            new Int64Column("end", 1_700_000_060, 1_700_000_060, 1_700_000_060),
            new TextColumn("action", "ACCEPT", "ACCEPT", null),
            new TextColumn("log_status", "OK", "OK", "NODATA"),
        ];

        await using var parquet = await ParquetFileWriter.WriteAsync(columns, 3);
        return parquet.ToArray();
    }

    private static LogObjectInspector Inspector(LogObjectInspectorOptions? options) =>
        new(options ?? LogObjectInspectorOptions.Default, new FixedTimeProvider(IngestTime));

    /// <summary>Keeps a batch, with a copy of a flow batch's list, which the reader refills for its next batch.</summary>
    private static ValueTask Collect(List<LogRecordBatch> batches, LogRecordBatch batch)
    {
        batches.Add(batch is FlowRecordBatch flows ? new FlowRecordBatch([.. flows.Records]) : batch);
        return ValueTask.CompletedTask;
    }
}
