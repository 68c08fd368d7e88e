using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.VpcFlow;
using Vigil.Tests.Support;

namespace Vigil.Tests.VpcFlow;

/// <summary>Everything one text reader call produced.</summary>
internal sealed record FlowTextRead(IReadOnlyList<FlowRecord> Records, IReadOnlyList<RecordRejection> Rejections, VpcFlowTextSummary Summary, int Batches)
{
    /// <summary>The ingest time every helper passes to the readers, far from the record times in the fixtures.</summary>
    public static readonly DateTimeOffset IngestTime = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static Task<FlowTextRead> FixtureAsync(string name, VpcFlowReaderOptions? options = null) =>
        StreamAsync(new MemoryStream(Fixture.Bytes("VpcFlow/" + name), writable: false), name, options);

    public static Task<FlowTextRead> TextAsync(string content, VpcFlowReaderOptions? options = null) =>
        StreamAsync(new MemoryStream(Encoding.UTF8.GetBytes(content), writable: false), "test.log", options);

    public static async Task<FlowTextRead> StreamAsync(Stream content, string objectName, VpcFlowReaderOptions? options = null)
    {
        var reader = new VpcFlowTextReader(options ?? VpcFlowReaderOptions.Default);
        var records = new List<FlowRecord>();
        var rejections = new List<RecordRejection>();
        var batches = 0;

        var summary = await reader.ReadAsync(
            content,
            objectName,
            IngestTime,
            batch =>
            {
                batches++;
                records.AddRange(batch);
                return ValueTask.CompletedTask;
            },
            rejections.Add,
            CancellationToken.None);

        return new FlowTextRead(records, rejections, summary, batches);
    }
}

/// <summary>Everything one Parquet reader call produced.</summary>
internal sealed record FlowParquetRead(IReadOnlyList<FlowRecord> Records, IReadOnlyList<RecordRejection> Rejections, VpcFlowParquetSummary Summary, int Batches)
{
    public static async Task<FlowParquetRead> StreamAsync(Stream content, string objectName = "test.parquet", VpcFlowReaderOptions? options = null)
    {
        var reader = new VpcFlowParquetReader(options ?? VpcFlowReaderOptions.Default);
        var records = new List<FlowRecord>();
        var rejections = new List<RecordRejection>();
        var batches = 0;

        var summary = await reader.ReadAsync(
            content,
            objectName,
            FlowTextRead.IngestTime,
            batch =>
            {
                batches++;
                records.AddRange(batch);
                return ValueTask.CompletedTask;
            },
            rejections.Add,
            CancellationToken.None);

        return new FlowParquetRead(records, rejections, summary, batches);
    }
}
