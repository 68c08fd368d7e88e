using System.Diagnostics;
using Vigil.Contracts.Events;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Objects;
using Vigil.Ingestion.Route53;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Vigil's own readers without grains: <see cref="LogObjectStream"/> and the reader of each kind
/// turn every object into records, one object per core as <see cref="LogObjectIngestor"/> reads
/// them and as the floor does, and the records are dropped. The ratio to the floor is the readers'
/// own cost, and the gap between this and the replay is the cost of routing records to grains,
/// detecting and storing findings.
/// </summary>
internal static class ReaderBenchmark
{
    public static async Task<PhaseMeasurement> RunCloudTrailAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null)
    {
        var options = new IngestOptions();
        var reader = new CloudTrailObjectReader(options.Reader);
        return await RunAsync(objects, options, async (content, logObject, count) =>
        {
            var summary = await reader.ReadAsync(content, logObject.Key, DateTimeOffset.UtcNow, Count<CloudTrailEvent>(count), _ => count.AddRejected(), cancellationToken);
            return summary.Error;
        }, cancellationToken, access: access);
    }

    public static async Task<PhaseMeasurement> RunFlowAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null)
    {
        var reader = new VpcFlowTextReader();
        return await RunAsync(objects, new IngestOptions(), async (content, logObject, count) =>
        {
            var summary = await reader.ReadAsync(content, logObject.Key, DateTimeOffset.UtcNow, Count<FlowRecord>(count), _ => count.AddRejected(), cancellationToken);
            return summary.Error;
        }, cancellationToken, access: access);
    }

    public static async Task<PhaseMeasurement> RunRoute53Async(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null)
    {
        var reader = new Route53QueryLogReader();
        return await RunAsync(objects, new IngestOptions(), async (content, logObject, count) =>
        {
            await reader.ReadAsync(content, logObject.Key, DateTimeOffset.UtcNow, Count<DnsQueryRecord>(count), _ => count.AddRejected(), cancellationToken);
            return null;
        }, cancellationToken, access: access);
    }

    /// <summary>Reads the Parquet files from the file itself, as the inspector hands over a seekable object, without <see cref="LogObjectStream"/>.</summary>
    public static async Task<PhaseMeasurement> RunParquetAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null)
    {
        var reader = new VpcFlowParquetReader();
        return await RunAsync(objects, new IngestOptions(), async (content, logObject, count) =>
        {
            var summary = await reader.ReadAsync(content, logObject.Key, DateTimeOffset.UtcNow, Count<FlowRecord>(count), _ => count.AddRejected(), cancellationToken);
            return summary.Error;
        }, cancellationToken, decompress: false, access);
    }

    private static Func<IReadOnlyList<TRecord>, ValueTask> Count<TRecord>(RecordCount count) => records =>
    {
        count.AddRead(records.Count);
        return ValueTask.CompletedTask;
    };

    private static async Task<PhaseMeasurement> RunAsync(
        IReadOnlyList<LogObject> objects,
        IngestOptions options,
        Func<Stream, LogObject, RecordCount, Task<string?>> read,
        CancellationToken cancellationToken,
        bool decompress = true,
        CorpusAccess? access = null)
    {
        access ??= CorpusAccess.Disk;
        var resetPeak = ProcessMemory.ResetOwnPeak();
        var count = new RecordCount();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = access.FilesAtATime, CancellationToken = cancellationToken };
        var cpuBefore = ProcessCpu.ReadOwn();
        var gcBefore = GcActivity.Now();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(objects, parallel, async (logObject, token) =>
        {
            // The file is opened as the floor opens it, so the two phases differ only in what reads the bytes.
            await using var file = access.Open(logObject);
            await using var content = decompress ? await LogObjectStream.OpenAsync(file, options.Reader.MaxDecompressedBytes, token) : file;
            var error = await read(content, logObject, count);
            if (error is not null)
            {
                count.AddFailed();
            }
        });

        stopwatch.Stop();
        return new PhaseMeasurement(count.Read + count.Rejected, stopwatch.Elapsed, ProcessMemory.ReadPeak(Environment.ProcessId), resetPeak)
        {
            Rejected = count.Rejected,
            FailedObjects = count.Failed,
            CpuTime = ProcessCpu.ReadOwn() - cpuBefore,
            Gc = GcActivity.Since(gcBefore),
        };
    }

    /// <summary>Counts shared by the objects read at the same time.</summary>
    private sealed class RecordCount
    {
        private long read;
        private long rejected;
        private int failed;

        public long Read => Interlocked.Read(ref read);

        public long Rejected => Interlocked.Read(ref rejected);

        public int Failed => Volatile.Read(ref failed);

        public void AddRead(int records) => Interlocked.Add(ref read, records);

        public void AddRejected() => Interlocked.Increment(ref rejected);

        public void AddFailed() => Interlocked.Increment(ref failed);
    }
}
