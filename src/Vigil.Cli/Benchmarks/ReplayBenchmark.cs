using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vigil.Cli.Replay;
using Vigil.Contracts.Storage;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.Objects;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Vigil end to end in this process: a <see cref="ReplaySilo"/> with the host's grains and detectors,
/// every CloudTrail object and then every flow object through <see cref="LogObjectIngestor"/>,
/// as many objects at a time as the host reads from a folder. An object is done when its findings
/// are stored in memory.
/// </summary>
internal static class ReplayBenchmark
{
    public const string TenantId = "default";

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    public static async Task<ReplayMeasurement> RunAsync(BenchCorpus corpus, CancellationToken cancellationToken)
    {
        var resetPeak = ProcessMemory.ResetOwnPeak();
        var startup = Stopwatch.StartNew();
        await using var silo = await ReplaySilo.StartAsync(
            logging => logging.AddSimpleConsole().AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace),
            cancellationToken);
        startup.Stop();

        if (corpus.ThreatListPath is { } listPath)
        {
            var errors = silo.ThreatLists.Load(TenantId, [(ReplayRunner.ListNameOf(listPath), await File.ReadAllTextAsync(listPath, cancellationToken))], new PlainTextListParser());
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"warning: {error}");
            }
        }

        var cloudTrail = await IngestAsync(silo.Ingestor, corpus.CloudTrailObjects, "CloudTrail", resetPeak, cancellationToken);
        var flow = await IngestAsync(silo.Ingestor, corpus.FlowObjects, "VPC flow", resetPeak, cancellationToken);
        var findings = silo.Findings.Snapshot(TenantId);
        return new ReplayMeasurement(startup.Elapsed, cloudTrail, flow, findings.Count, findings.Sum(finding => finding.Service.Count));
    }

    private static async Task<PhaseMeasurement> IngestAsync(LogObjectIngestor ingestor, IReadOnlyList<LogObject> objects, string kind, bool resetPeak, CancellationToken cancellationToken)
    {
        var cpuBefore = ProcessCpu.ReadOwn();
        var gcBefore = GcActivity.Now();
        var stopwatch = Stopwatch.StartNew();
        var progress = new ProgressWriter(kind, objects.Count, stopwatch);
        var summary = await ingestor.IngestObjectsAsync(TenantId, objects, progress, cancellationToken);
        stopwatch.Stop();
        return new PhaseMeasurement(summary.RecordsRead + summary.RecordsRejected, stopwatch.Elapsed, ProcessMemory.ReadPeak(Environment.ProcessId), resetPeak)
        {
            Rejected = summary.RecordsRejected,
            FailedObjects = summary.ObjectsFailed,
            CpuTime = ProcessCpu.ReadOwn() - cpuBefore,
            Gc = GcActivity.Since(gcBefore),
        };
    }

    /// <summary>Writes a progress line every <see cref="ProgressInterval"/>; the ingestor reports one object at a time.</summary>
    private sealed class ProgressWriter(string kind, int total, Stopwatch stopwatch) : IProgress<ObjectRecord>
    {
        private readonly Stopwatch sinceProgress = Stopwatch.StartNew();
        private int objects;
        private long records;

        public void Report(ObjectRecord value)
        {
            objects++;
            records += value.RecordsRead;
            if (sinceProgress.Elapsed >= ProgressInterval)
            {
                Console.Error.WriteLine($"bench: replay, {kind}: {objects} of {total} objects, {BenchFormat.Count(records)} records, {BenchFormat.Seconds(stopwatch.Elapsed)} s");
                sinceProgress.Restart();
            }
        }
    }
}

/// <summary>
/// The replay's measurements: the silo's start-up time (not part of either phase), each kind's phase,
/// and the findings stored at the end with the occurrences they aggregate.
/// </summary>
internal sealed record ReplayMeasurement(TimeSpan Startup, PhaseMeasurement CloudTrail, PhaseMeasurement Flow, int Findings, long Occurrences);
