using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Vigil.Cli.Simulation;
using Vigil.Detection.Profiles;

namespace Vigil.Cli.Benchmarks;

/// <summary>Settings of one soak run.</summary>
internal sealed record SoakSettings(string WorkFolder, TimeSpan Duration, TimeSpan RoundInterval, int EventsPerFile, int Seed, string HostDll, string RepositoryRoot, string CommandLine);

/// <summary>
/// Sustained ingest into the real host: every round interval, one more simulated day of demo logs
/// (CloudTrail, VPC flow and Route 53 Resolver, each round with new event ids and event times) is
/// moved into the host's watched folder. The host's resident set size (VmRSS), its GC heap after the
/// last collection and the memory the GC has committed (from the host's <c>/metrics</c>), and the
/// ledger are sampled every few seconds. After the run, the samples after the warm-up are checked
/// for growth.
/// </summary>
internal static class SoakBenchmark
{
    /// <summary>Share of the run, from its start, left out of the growth check while caches and pools fill.</summary>
    public const double WarmUpShare = 0.3;

    /// <summary>
    /// Minimum number of rounds left out of the growth check. Each round is one simulated day, and behaviour
    /// profiles raise anomaly findings only after their learning period of event time (14 days by
    /// default), so the mix of work changes with round 14.
    /// </summary>
    public static readonly int WarmUpRounds = (int)Math.Ceiling(ProfileOptions.Default.LearningPeriod.TotalDays) + 1;

    /// <summary>Growth of the last quarter's median over the first quarter's median, within the steady window, that counts as growth.</summary>
    public const double GrowthTolerance = 0.10;

    private const string TenantId = "default";

    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset SimulationStart = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(SoakSettings settings, CancellationToken cancellationToken)
    {
        var inbox = Path.Combine(settings.WorkFolder, "inbox");
        var staging = Path.Combine(settings.WorkFolder, "staging");
        Directory.CreateDirectory(inbox);
        Directory.CreateDirectory(staging);
        var loadBefore = MachineDescription.ReadLoadAverage();

        Console.Error.WriteLine("bench: soak: creating a database on the local PostgreSQL (deploy/local/pg-start.sh)");
        var threatList = Path.Combine(settings.WorkFolder, "threat-list.txt");
        await File.WriteAllTextAsync(threatList, DemoEstate.ThreatListText + "\n", cancellationToken);
        await using var database = await BenchDatabase.CreateAsync(settings.RepositoryRoot, TenantId, threatList, cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        Console.Error.WriteLine($"bench: soak: starting {settings.HostDll} on database {database.Name}");
        await using var host = await BenchHost.StartAsync(settings.HostDll, database.ConnectionString, inbox, BenchHost.NewClusterId(), cancellationToken);

        using var metrics = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var samples = new List<SoakSample>();
        var delivered = 0;
        var round = 0;
        var clock = Stopwatch.StartNew();
        var nextRound = TimeSpan.Zero;
        while (clock.Elapsed < settings.Duration)
        {
            if (host.HasExited)
            {
                throw new InvalidOperationException($"The host exited during the soak run. Its last output:\n{host.OutputTail}");
            }

            if (clock.Elapsed >= nextRound)
            {
                delivered += DeliverRound(staging, inbox, round, settings);
                round++;
                nextRound += settings.RoundInterval;
            }

            var resident = ReadResidentBytes(host.ProcessId) ?? 0;
            var gc = await ReadGcMemoryAsync(metrics, cancellationToken);
            var sample = new SoakSample(clock.Elapsed, resident, delivered, await CountDoneAsync(dataSource, cancellationToken))
            {
                GcHeapBytes = gc.HeapBytes,
                GcCommittedBytes = gc.CommittedBytes,
            };
            samples.Add(sample);
            if (samples.Count % 12 == 1)
            {
                Console.Error.WriteLine($"bench: soak: {BenchFormat.Seconds(sample.Elapsed)} s, resident {BenchFormat.Bytes(sample.ResidentBytes)}, GC heap {BenchFormat.Bytes(sample.GcHeapBytes)}, {sample.ObjectsDone}/{sample.ObjectsDelivered} objects done");
            }

            await Task.Delay(SampleInterval, cancellationToken);
        }

        var warmUp = WarmUp(settings.Duration, settings.RoundInterval);
        var verdict = SoakVerdict.From(samples, warmUp, GrowthTolerance, sample => sample.ResidentBytes);
        var heapVerdict = SoakVerdict.From(samples, warmUp, GrowthTolerance, sample => sample.GcHeapBytes);
        Console.Write(Report(settings, samples, verdict, heapVerdict, warmUp, round, loadBefore, MachineDescription.ReadLoadAverage()));
        return verdict.Grows ? 1 : 0;
    }

    /// <summary>Returns the time from the start left out of the growth check: the larger of <see cref="WarmUpShare"/> of the run and <see cref="WarmUpRounds"/> rounds.</summary>
    public static TimeSpan WarmUp(TimeSpan duration, TimeSpan roundInterval)
    {
        var share = duration * WarmUpShare;
        var rounds = roundInterval * WarmUpRounds;
        return share > rounds ? share : rounds;
    }

    /// <summary>Writes one simulated day into the staging folder and moves it into the inbox at once; returns the number of files.</summary>
    private static int DeliverRound(string staging, string inbox, int round, SoakSettings settings)
    {
        var name = "round-" + round.ToString("D4", CultureInfo.InvariantCulture);
        var folder = Path.Combine(staging, name);
        var start = SimulationStart.AddDays(round);
        new DemoLogSimulator(settings.Seed + round, start, 1, settings.EventsPerFile).Write(folder);
        new DemoNetworkSimulator(settings.Seed + round, start, 1).Write(folder);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count();

        // A rename within one file system is atomic, so the host never sees a file half written.
        Directory.Move(folder, Path.Combine(inbox, name));
        return files;
    }

    /// <summary>
    /// Reads the GC heap size after the last collection (all generations) and the memory the GC has
    /// committed from the host's Prometheus scrape; zero for a value the scrape lacks or when it fails.
    /// </summary>
    private static async Task<(long HeapBytes, long CommittedBytes)> ReadGcMemoryAsync(HttpClient metrics, CancellationToken cancellationToken)
    {
        string scrape;
        try
        {
            scrape = await metrics.GetStringAsync("metrics", cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (0, 0);
        }

        double heap = 0;
        double committed = 0;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
            {
                heap += SampleValue(line);
            }
            else if (line.StartsWith("dotnet_gc_last_collection_memory_committed_size_bytes", StringComparison.Ordinal) && !line.StartsWith('#'))
            {
                committed = SampleValue(line);
            }
        }

        return ((long)heap, (long)committed);
    }

    /// <summary>Returns the value of a Prometheus sample line, <c>name{labels} value [timestamp]</c>.</summary>
    private static double SampleValue(string line)
    {
        var closing = line.LastIndexOf('}');
        var parts = (closing >= 0 ? line[(closing + 1)..] : line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]).Trim().Split(' ');
        return double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    private static async Task<long> CountDoneAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM ingested_objects WHERE error IS NULL");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Returns the current resident set size (VmRSS in /proc/PID/status) in bytes, or null where it is missing.</summary>
    private static long? ReadResidentBytes(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(text => text.StartsWith("VmRSS:", StringComparison.Ordinal));
            var value = line?["VmRSS:".Length..].Trim().Replace(" kB", "", StringComparison.Ordinal);
            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes) ? kilobytes * 1024 : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Report(SoakSettings settings, List<SoakSample> samples, SoakVerdict verdict, SoakVerdict heapVerdict, TimeSpan warmUp, int rounds, string? loadBefore, string? loadAfter)
    {
        var last = samples[^1];
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: soak, {BenchFormat.Seconds(last.Elapsed)} s of sustained ingest");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{settings.CommandLine}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {MachineDescription.Read().Describe()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1, 5, 15 min): {loadBefore ?? "unknown"} before, {loadAfter ?? "unknown"} after");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Delivered {rounds} simulated days ({BenchFormat.Count(last.ObjectsDelivered)} objects, about {settings.EventsPerFile} CloudTrail events per file), one every {settings.RoundInterval.TotalSeconds:0} s; {BenchFormat.Count(last.ObjectsDone)} were done at the end");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Resident set size sampled every {SampleInterval.TotalSeconds:0} s ({samples.Count} samples)");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"- Warm-up, left out of the growth check: the first {BenchFormat.Seconds(warmUp)} s, the larger of {WarmUpShare:P0} of the run and the first {WarmUpRounds} rounds " +
            $"(behaviour profiles learn for {ProfileOptions.Default.LearningPeriod.TotalDays:0} simulated days before they raise anomaly findings, so the mix of work changes until then)");
        text.AppendLine();
        text.AppendLine("| minute | resident set size | GC heap after last collection | GC committed | resident outside GC committed | objects delivered | objects done |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var sample in samples.GroupBy(sample => (int)sample.Elapsed.TotalMinutes).Select(minute => minute.Last()))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {(int)sample.Elapsed.TotalMinutes} | {BenchFormat.Bytes(sample.ResidentBytes)} | {BenchFormat.Bytes(sample.GcHeapBytes)} | {BenchFormat.Bytes(sample.GcCommittedBytes)} | " +
                $"{BenchFormat.Bytes(Math.Max(0, sample.ResidentBytes - sample.GcCommittedBytes))} | {BenchFormat.Count(sample.ObjectsDelivered)} | {BenchFormat.Count(sample.ObjectsDone)} |");
        }

        text.AppendLine();
        text.AppendLine(verdict.Describe("resident set size"));
        text.AppendLine();
        text.AppendLine(heapVerdict.Describe("GC heap after the last collection"));
        return text.ToString();
    }
}

internal sealed record SoakSample(TimeSpan Elapsed, long ResidentBytes, long ObjectsDelivered, long ObjectsDone)
{
    /// <summary>The GC heap after the last collection, all generations; 0 when the scrape lacked it.</summary>
    public long GcHeapBytes { get; init; }

    /// <summary>The memory the GC had committed at the last collection; 0 when the scrape lacked it.</summary>
    public long GcCommittedBytes { get; init; }
}

/// <summary>
/// Whether memory grows in the steady window (the samples after the warm-up): the median of its last
/// quarter against the median of its first quarter, and the least-squares slope over the whole window.
/// </summary>
internal sealed record SoakVerdict(long FirstQuarterMedian, long LastQuarterMedian, double SlopeBytesPerHour, int WindowSamples, double Tolerance)
{
    /// <summary>True when the last quarter's median exceeds the first quarter's by more than the tolerance and the slope is positive.</summary>
    public bool Grows => SlopeBytesPerHour > 0 && LastQuarterMedian > FirstQuarterMedian * (1 + Tolerance);

    public static SoakVerdict From(IReadOnlyList<SoakSample> samples, TimeSpan warmUp, double tolerance, Func<SoakSample, long> bytes)
    {
        var window = samples.Where(sample => sample.Elapsed >= warmUp).ToList();
        if (window.Count < 8)
        {
            throw new InvalidOperationException($"Only {window.Count} samples after the warm-up of {warmUp.TotalSeconds:0} s; run the soak for longer.");
        }

        var quarter = window.Count / 4;
        var first = Median(window.Take(quarter).Select(bytes));
        var last = Median(window.Skip(window.Count - quarter).Select(bytes));
        return new SoakVerdict(first, last, Slope(window, bytes), window.Count, tolerance);
    }

    /// <summary>Describes the verdict on <paramref name="quantity"/>, such as "resident set size".</summary>
    public string Describe(string quantity)
    {
        var change = FirstQuarterMedian == 0 ? 0 : (LastQuarterMedian - FirstQuarterMedian) / (double)FirstQuarterMedian;
        var slope = SlopeBytesPerHour / (1 << 20);
        var verdict = Grows ? "GROWS" : "does not grow";
        return string.Create(CultureInfo.InvariantCulture,
            $"Steady state {verdict}: median {quantity} {BenchFormat.Bytes(FirstQuarterMedian)} in the first quarter of the steady window and " +
            $"{BenchFormat.Bytes(LastQuarterMedian)} in the last ({change:+0.0%;-0.0%}; growth means more than +{Tolerance:0%} with a rising trend); " +
            $"least-squares slope {slope:+0;-0} MiB per hour over {WindowSamples} samples.");
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static double Slope(List<SoakSample> window, Func<SoakSample, long> bytes)
    {
        var xs = window.Select(sample => sample.Elapsed.TotalHours).ToList();
        var ys = window.Select(sample => (double)bytes(sample)).ToList();
        var meanX = xs.Average();
        var meanY = ys.Average();
        var numerator = xs.Zip(ys, (x, y) => (x - meanX) * (y - meanY)).Sum();
        var denominator = xs.Sum(x => (x - meanX) * (x - meanX));
        return denominator == 0 ? 0 : numerator / denominator;
    }
}
