using System.Diagnostics;
using Npgsql;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The real host over the corpus: a throw-away database, the host started from its build output and
/// watching an empty inbox folder, then the corpus's logs moved into the inbox at once. The phase
/// ends when the ledger lists every object, which the host writes only after the object's findings
/// are stored, so every finding is durable by then.
/// </summary>
/// <remarks>
/// NOTE: the host's connection pools held up to 91 connections to its database during one run of the
/// default corpus. The local cluster allows 100 (PostgreSQL's default max_connections), so other
/// clients of that cluster can be refused while this phase runs.
/// </remarks>
internal static class HostBenchmark
{
    /// <summary>The folder in the corpus that the host watches; the logs are moved here and back.</summary>
    public const string InboxFolderName = "host-inbox";

    private const string TenantId = "default";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long one latency file may take before the phase records it as not done.</summary>
    private static readonly TimeSpan LatencyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<HostMeasurement> RunAsync(BenchCorpus corpus, string hostDll, string repositoryRoot, TimeSpan timeout, int silos, CancellationToken cancellationToken)
    {
        var inbox = Path.Combine(corpus.Folder, InboxFolderName);
        Directory.CreateDirectory(inbox);
        var expected = corpus.CloudTrailObjects.Count + corpus.FlowObjects.Count + corpus.OtherObjects;

        Console.Error.WriteLine("bench: host: creating a database on the local PostgreSQL (deploy/local/pg-start.sh)");
        await using var database = await BenchDatabase.CreateAsync(repositoryRoot, TenantId, corpus.ThreatListPath, cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        Console.Error.WriteLine($"bench: host: starting {silos} × {hostDll} on database {database.Name}");
        await using var host = await BenchHosts.StartAsync(hostDll, database.ConnectionString, inbox, silos, cancellationToken);

        var movedAt = DateTimeOffset.UtcNow;
        var cpuAtMove = host.ReadCpu();
        var moved = MoveEntries(corpus.LogsFolder, inbox);
        try
        {
            var measurement = await MeasureAsync(dataSource, host, movedAt, cpuAtMove, corpus.CloudTrailObjects.Count, expected, timeout, cancellationToken) with { Silos = silos };
            if (!measurement.Completed || host.HasExited)
            {
                return measurement;
            }

            // Resident memory once the corpus is done, before the latency files add their own.
            var resident = host.ReadResident();
            Console.Error.WriteLine($"bench: host: latency, {HostLatencyBenchmark.Files} CloudTrail files one at a time");
            LatencyMeasurement latency;
            try
            {
                latency = await HostLatencyBenchmark.RunAsync(corpus.Folder, inbox, dataSource, TenantId, LatencyTimeout, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NpgsqlException or InvalidOperationException)
            {
                // Keep the corpus measurements; the report names the failure.
                latency = new LatencyMeasurement([], [$"the latency phase failed: {exception}"]);
            }

            return measurement with { ResidentAfterCorpus = resident, Latency = latency };
        }
        finally
        {
            // Stop the host before the logs leave its folder, so it records no failures while they move.
            await host.DisposeAsync();
            HostLatencyBenchmark.DeleteFiles(inbox);
            MoveEntries(inbox, corpus.LogsFolder, moved);
            Directory.Delete(inbox);
        }
    }

    /// <summary>Moves the logs back from the inbox when an earlier run stopped before it could; returns the number of entries moved.</summary>
    public static int RestoreInterruptedRun(string corpusFolder)
    {
        var inbox = Path.Combine(corpusFolder, InboxFolderName);
        if (!Directory.Exists(inbox))
        {
            return 0;
        }

        HostLatencyBenchmark.DeleteFiles(inbox);
        var logs = Path.Combine(corpusFolder, BenchCorpus.LogsFolderName);
        Directory.CreateDirectory(logs);
        var moved = MoveEntries(inbox, logs).Count;
        Directory.Delete(inbox);
        return moved;
    }

    private static async Task<HostMeasurement> MeasureAsync(
        NpgsqlDataSource dataSource, BenchHosts host, DateTimeOffset movedAt, TimeSpan? cpuAtMove, int cloudTrailObjects, int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var sinceProgress = Stopwatch.StartNew();
        long? cloudTrailPeak = null;
        TimeSpan? cpuAtCloudTrailDone = null;
        var done = 0L;
        while (stopwatch.Elapsed < timeout && !host.HasExited)
        {
            await Task.Delay(PollInterval, cancellationToken);
            await using var command = dataSource.CreateCommand(
                "SELECT count(*), count(*) FILTER (WHERE kind = 'CloudTrail') FROM ingested_objects WHERE tenant_id = $1");
            command.Parameters.AddWithValue(TenantId);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                done = reader.GetInt64(0);
                if (cloudTrailPeak is null && reader.GetInt64(1) >= cloudTrailObjects)
                {
                    // VmHWM only grows, so reading it now gives the peak from the host's start to the last CloudTrail object.
                    cloudTrailPeak = host.ReadPeak();
                    cpuAtCloudTrailDone = host.ReadCpu();
                }
            }

            if (done >= expected)
            {
                break;
            }

            if (sinceProgress.Elapsed >= ProgressInterval)
            {
                Console.Error.WriteLine($"bench: host: the ledger lists {done} of {expected} objects after {BenchFormat.Seconds(stopwatch.Elapsed)} s");
                sinceProgress.Restart();
            }
        }

        stopwatch.Stop();
        var peak = host.HasExited ? null : host.ReadPeak();
        var cpuAtEnd = host.HasExited ? null : host.ReadCpu();
        var kinds = await ReadLedgerAsync(dataSource, cancellationToken);
        var (findings, occurrences) = await ReadFindingsAsync(dataSource, cancellationToken);
        var all = new PhaseMeasurement(kinds.Values.Sum(kind => kind.Records), stopwatch.Elapsed, peak, PeakCoversPhaseOnly: false)
        {
            Rejected = kinds.Values.Sum(kind => kind.Rejected),
            FailedObjects = kinds.Values.Sum(kind => kind.Failed),
            CpuTime = cpuAtEnd - cpuAtMove,
        };

        return new HostMeasurement(
            Completed: done >= expected,
            ObjectsDone: (int)done,
            ObjectsExpected: expected,
            All: all,
            CloudTrail: kinds.TryGetValue("CloudTrail", out var cloudTrail) ? cloudTrail.ToMeasurement(cloudTrailPeak) with { CpuTime = cpuAtCloudTrailDone - cpuAtMove } : null,
            Flow: kinds.TryGetValue("VpcFlow", out var flow) ? flow.ToMeasurement(peak) with { CpuTime = cpuAtEnd - cpuAtCloudTrailDone } : null,
            Findings: findings,
            Occurrences: occurrences,
            FirstObjectDelay: kinds.Count > 0 ? kinds.Values.Min(kind => kind.FirstStarted) - movedAt : null,
            OutputTail: host.OutputTail);
    }

    private static async Task<Dictionary<string, LedgerKind>> ReadLedgerAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT kind, coalesce(sum(records_read + records_rejected), 0)::bigint, coalesce(sum(records_rejected), 0)::bigint,
                   count(*) FILTER (WHERE error IS NOT NULL), min(started_at), max(finished_at)
            FROM ingested_objects WHERE tenant_id = $1 GROUP BY kind
            """);
        command.Parameters.AddWithValue(TenantId);
        var kinds = new Dictionary<string, LedgerKind>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            kinds[reader.GetString(0)] = new LedgerKind(reader.GetInt64(1), reader.GetInt64(2), (int)reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5));
        }

        return kinds;
    }

    private static async Task<(long Findings, long Occurrences)> ReadFindingsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*), coalesce(sum(count), 0)::bigint FROM findings WHERE tenant_id = $1");
        command.Parameters.AddWithValue(TenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Moves the entries of <paramref name="source"/> (or only <paramref name="names"/>) into <paramref name="target"/> by renaming them; returns their names.</summary>
    private static List<string> MoveEntries(string source, string target, IReadOnlyList<string>? names = null)
    {
        var entries = names ?? [.. Directory.EnumerateFileSystemEntries(source).Select(path => Path.GetFileName(path))];
        foreach (var name in entries)
        {
            var from = Path.Combine(source, name);
            var to = Path.Combine(target, name);
            if (Directory.Exists(from))
            {
                Directory.Move(from, to);
            }
            else
            {
                File.Move(from, to);
            }
        }

        return [.. entries];
    }

    /// <summary>One kind's totals in the ledger, and the span from its first object's start to its last object's end.</summary>
    private sealed record LedgerKind(long Records, long Rejected, int Failed, DateTimeOffset FirstStarted, DateTimeOffset LastFinished)
    {
        public PhaseMeasurement ToMeasurement(long? peak) =>
            new(Records, LastFinished - FirstStarted, peak, PeakCoversPhaseOnly: false) { Rejected = Rejected, FailedObjects = Failed };
    }
}

/// <summary>
/// The host phase's results. <see cref="All"/> runs from the move into the inbox to the poll that saw
/// the last ledger entry, and each kind from the ledger's own start and finish times.
/// <see cref="FirstObjectDelay"/> is the time the host took to find the files after the move.
/// The CPU times of the kinds are split at the poll that first saw every CloudTrail object done, so
/// they are exact only to that poll's interval. <see cref="ResidentAfterCorpus"/> is the host's
/// resident set size when the ledger listed every object, and <see cref="Latency"/> comes after that.
/// </summary>
internal sealed record HostMeasurement(
    bool Completed,
    int ObjectsDone,
    int ObjectsExpected,
    PhaseMeasurement All,
    PhaseMeasurement? CloudTrail,
    PhaseMeasurement? Flow,
    long Findings,
    long Occurrences,
    TimeSpan? FirstObjectDelay,
    string OutputTail)
{
    public long? ResidentAfterCorpus { get; init; }

    public LatencyMeasurement? Latency { get; init; }

    /// <summary>Host processes that ran as silos of one cluster.</summary>
    public int Silos { get; init; } = 1;
}
