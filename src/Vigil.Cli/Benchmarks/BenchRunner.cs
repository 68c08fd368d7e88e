using System.Diagnostics;
using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Benchmarks;

/// <summary>What <c>vigil bench run</c> measures and how.</summary>
internal sealed record BenchRunSettings(string CorpusFolder, bool Jq, bool Host, string? HostDll, TimeSpan HostTimeout, string CommandLine)
{
    /// <summary>Measure the floors and readers only, without the replay (and without jq and the host).</summary>
    public bool ReadersOnly { get; init; }

    /// <summary>Rounds of each floor and reader with <see cref="ReadersOnly"/>. The report gives the median of their ratios.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Host processes started as silos of one cluster for the host phase.</summary>
    public int Silos { get; init; } = 1;

    /// <summary>Files each floor and reader reads at a time with <see cref="ReadersOnly"/>; null for one per core.</summary>
    public int? FilesAtATime { get; init; }

    /// <summary>With <see cref="ReadersOnly"/>: load the files into memory before the first phase, so no phase reads the disk.</summary>
    public bool FromMemory { get; init; }
}

/// <summary>
/// Runs the phases of <c>vigil bench run</c> on the same files, one after another, and prints the
/// report as Markdown to standard output. Progress and warnings go to standard error.
/// </summary>
internal static class BenchRunner
{
    private const string FloorCloudTrail = "floor, CloudTrail: gzip + Utf8JsonReader";
    private const string FloorFlow = "floor, VPC flow: gzip + line and field split";
    private const string FloorRoute53 = "floor, Route 53: gzip + Utf8JsonReader";
    private const string FloorParquet = "floor, VPC flow Parquet: Parquet.Net column chunks";
    private const string DecompressOnlyCloudTrail = "decompress only, CloudTrail: gzip";
    private const string ReaderCloudTrail = "Vigil readers only, CloudTrail";
    private const string ReaderFlow = "Vigil readers only, VPC flow";
    private const string ReaderRoute53 = "Vigil readers only, Route 53";
    private const string ReaderParquet = "Vigil readers only, VPC flow Parquet";

    // The performance goals. Each reader runs at 0.7 of the floor or more. The host runs end to end at
    // 0.5 of the floor, and for CloudTrail at 10 times jq. A new file's findings are stored within 2 s
    // (p99), and the host stays under 2 GiB resident.
    private const double ReaderTarget = 0.7;
    private const double EndToEndTarget = 0.5;
    private const double JqTarget = 10;
    private const double LatencyTargetSeconds = 2;
    private const double MemoryTargetBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Returns the exit status: 0 when every phase ran and agreed on the record counts, 1 otherwise.</summary>
    public static async Task<int> RunAsync(BenchRunSettings settings, CancellationToken cancellationToken)
    {
        var restored = HostBenchmark.RestoreInterruptedRun(settings.CorpusFolder);
        if (restored > 0)
        {
            Console.Error.WriteLine($"bench: moved {restored} entries back from {HostBenchmark.InboxFolderName}/ to {BenchCorpus.LogsFolderName}/, left there by an interrupted --host run");
        }

        var corpus = BenchCorpus.Open(settings.CorpusFolder);
        if (corpus.CloudTrailObjects.Count == 0 && corpus.FlowObjects.Count == 0)
        {
            Console.Error.WriteLine($"error: '{corpus.LogsFolder}' contains no CloudTrail or text flow log files; write a corpus with vigil bench generate.");
            return 2;
        }

        string? hostDll = null;
        string? repositoryRoot = null;
        if (settings.Host && !TryLocateHost(settings.HostDll, out hostDll, out repositoryRoot))
        {
            return 2;
        }

        var runJq = settings.Jq && JqAvailable();
        var machine = MachineDescription.Read();
        var loadBefore = MachineDescription.ReadLoadAverage();
        var cores = Environment.ProcessorCount;
        var report = new BenchReport();
        var failed = false;

        Console.Error.WriteLine($"bench: {corpus.CloudTrailObjects.Count} CloudTrail files ({BenchFormat.Bytes(SizeOf(corpus.CloudTrailObjects))}) and {corpus.FlowObjects.Count} flow log files ({BenchFormat.Bytes(SizeOf(corpus.FlowObjects))}) in {corpus.LogsFolder}");
        await WarmPageCacheAsync(corpus, cancellationToken);
        if (settings.ReadersOnly)
        {
            return await RunReadersOnlyAsync(settings, corpus, machine, loadBefore, cancellationToken);
        }

        var floorCloudTrail = await MeasureAsync(FloorCloudTrail, () => FloorBenchmark.RunCloudTrailAsync(corpus.CloudTrailObjects, cancellationToken));
        var floorFlow = await MeasureAsync(FloorFlow, () => FloorBenchmark.RunFlowAsync(corpus.FlowObjects, cancellationToken));
        report.Add(FloorCloudTrail, $"{cores} files at a time", floorCloudTrail);
        report.Add(FloorFlow, $"{cores} files at a time", floorFlow);

        var readerCloudTrail = await MeasureAsync(ReaderCloudTrail, () => ReaderBenchmark.RunCloudTrailAsync(corpus.CloudTrailObjects, cancellationToken));
        var readerFlow = await MeasureAsync(ReaderFlow, () => ReaderBenchmark.RunFlowAsync(corpus.FlowObjects, cancellationToken));
        report.Add(ReaderCloudTrail, $"{cores} files at a time", readerCloudTrail);
        report.Add(ReaderFlow, $"{cores} files at a time", readerFlow);

        // Route 53 and Parquet flow logs have floors and readers of their own, and no later phase reads them.
        var readerPairs = new List<ReaderPair>
        {
            new("CloudTrail", floorCloudTrail, readerCloudTrail, corpus.Manifest?.CloudTrailRecords),
            new("VPC flow", floorFlow, readerFlow, corpus.Manifest?.FlowRecords),
        };
        if (corpus.Route53Objects.Count > 0)
        {
            var floor = await MeasureAsync(FloorRoute53, () => FloorBenchmark.RunRoute53Async(corpus.Route53Objects, cancellationToken));
            var reader = await MeasureAsync(ReaderRoute53, () => ReaderBenchmark.RunRoute53Async(corpus.Route53Objects, cancellationToken));
            report.Add(FloorRoute53, $"{cores} files at a time", floor);
            report.Add(ReaderRoute53, $"{cores} files at a time", reader);
            readerPairs.Add(new("Route 53", floor, reader, corpus.Manifest?.Route53Records));
        }

        if (corpus.ParquetFlowObjects.Count > 0)
        {
            var floor = await MeasureAsync(FloorParquet, () => FloorBenchmark.RunParquetAsync(corpus.ParquetFlowObjects, cancellationToken));
            var reader = await MeasureAsync(ReaderParquet, () => ReaderBenchmark.RunParquetAsync(corpus.ParquetFlowObjects, cancellationToken));
            report.Add(FloorParquet, $"{cores} files at a time", floor);
            report.Add(ReaderParquet, $"{cores} files at a time", reader);
            readerPairs.Add(new("VPC flow Parquet", floor, reader, corpus.Manifest?.ParquetFlowRecords));
        }

        JqResult? jq = null;
        PhaseMeasurement? decompressOnly = null;
        if (runJq)
        {
            Console.Error.WriteLine("bench: jq, five rules, CloudTrail");
            jq = await JqBenchmark.RunAsync(corpus.CloudTrailObjects, floorCloudTrail.Records, cancellationToken);
            Console.Error.WriteLine($"bench: jq, five rules, CloudTrail: {BenchFormat.Seconds(jq.Measurement.Elapsed)} s, {jq.Matches} records matched");
            report.Add("jq, five rules, CloudTrail", $"{cores} pipelines at a time", jq.Measurement);
            decompressOnly = await MeasureAsync(DecompressOnlyCloudTrail, () => FloorBenchmark.RunDecompressOnlyAsync(corpus.CloudTrailObjects, floorCloudTrail.Records, cancellationToken));
            report.Add(DecompressOnlyCloudTrail, $"{cores} files at a time", decompressOnly);
        }

        Console.Error.WriteLine("bench: Vigil replay (in-process silo)");
        var replay = await ReplayBenchmark.RunAsync(corpus, cancellationToken);
        Console.Error.WriteLine($"bench: Vigil replay: {BenchFormat.Seconds(replay.CloudTrail.Elapsed)} s CloudTrail, {BenchFormat.Seconds(replay.Flow.Elapsed)} s VPC flow, {replay.Findings} findings");
        report.Add("Vigil replay, CloudTrail", $"{cores} objects at a time", replay.CloudTrail);
        report.Add("Vigil replay, VPC flow", $"{cores} objects at a time", replay.Flow);

        HostMeasurement? host = null;
        if (settings.Host)
        {
            host = await HostBenchmark.RunAsync(corpus, hostDll!, repositoryRoot!, settings.HostTimeout, settings.Silos, cancellationToken);
            Console.Error.WriteLine($"bench: Vigil host: {host.ObjectsDone} of {host.ObjectsExpected} objects in {BenchFormat.Seconds(host.All.Elapsed)} s, {host.Findings} findings");
            if (host.CloudTrail is not null)
            {
                report.Add("Vigil host, CloudTrail (ledger times)", $"{cores} objects at a time", host.CloudTrail);
            }

            if (host.Flow is not null)
            {
                report.Add("Vigil host, VPC flow (ledger times)", $"{cores} objects at a time", host.Flow);
            }

            report.Add("Vigil host, all objects until durable", $"{cores} objects at a time", host.All);
        }

        AddRatios(report, readerPairs, floorCloudTrail, floorFlow, jq?.Measurement, replay, host);
        AddJqReach(report, floorCloudTrail, decompressOnly, jq?.Measurement);
        AddNotes(report, corpus, replay, jq, host);
        failed |= !CheckCounts(report, corpus, floorCloudTrail, floorFlow, readerCloudTrail, readerFlow, replay, host);
        foreach (var pair in readerPairs.Skip(2))
        {
            failed |= !Check(report, pair.Kind, pair.Floor.Records, pair.ManifestRecords, [("readers", pair.Reader)]);
        }

        var title = $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {BenchFormat.Count(floorCloudTrail.Records)} CloudTrail and {BenchFormat.Count(floorFlow.Records)} VPC flow records";
        Console.Out.Write(report.ToMarkdown(title, settings.CommandLine, corpus.Manifest?.Command, machine, loadBefore, MachineDescription.ReadLoadAverage()));
        return failed ? 1 : 0;
    }

    /// <summary>
    /// Measures each kind's floor and reader in <see cref="BenchRunSettings.Rounds"/> rounds (see
    /// <see cref="ReaderRounds"/>) and reports the median of the rounds' ratios.
    /// </summary>
    private static async Task<int> RunReadersOnlyAsync(
        BenchRunSettings settings, BenchCorpus corpus, MachineDescription machine, string? loadBefore, CancellationToken cancellationToken)
    {
        var filesAtATime = settings.FilesAtATime ?? Environment.ProcessorCount;
        var access = CorpusAccess.FromDisk(filesAtATime);
        if (settings.FromMemory)
        {
            access = await CorpusAccess.LoadAsync(
                filesAtATime, [.. corpus.CloudTrailObjects, .. corpus.FlowObjects, .. corpus.Route53Objects, .. corpus.ParquetFlowObjects], cancellationToken);
            Console.Error.WriteLine($"bench: loaded the corpus files into memory, {access.BytesInMemory / (1024 * 1024)} MiB");
        }

        var kinds = new List<ReaderKind>
        {
            ReaderKindOf("CloudTrail", FloorCloudTrail, ReaderCloudTrail, corpus.CloudTrailObjects, FloorBenchmark.RunCloudTrailAsync, ReaderBenchmark.RunCloudTrailAsync, corpus.Manifest?.CloudTrailRecords, access, cancellationToken),
            ReaderKindOf("VPC flow", FloorFlow, ReaderFlow, corpus.FlowObjects, FloorBenchmark.RunFlowAsync, ReaderBenchmark.RunFlowAsync, corpus.Manifest?.FlowRecords, access, cancellationToken),
        };
        if (corpus.Route53Objects.Count > 0)
        {
            kinds.Add(ReaderKindOf("Route 53", FloorRoute53, ReaderRoute53, corpus.Route53Objects, FloorBenchmark.RunRoute53Async, ReaderBenchmark.RunRoute53Async, corpus.Manifest?.Route53Records, access, cancellationToken));
        }

        if (corpus.ParquetFlowObjects.Count > 0)
        {
            kinds.Add(ReaderKindOf("VPC flow Parquet", FloorParquet, ReaderParquet, corpus.ParquetFlowObjects, FloorBenchmark.RunParquetAsync, ReaderBenchmark.RunParquetAsync, corpus.Manifest?.ParquetFlowRecords, access, cancellationToken));
        }

        var results = await ReaderRounds.RunAsync(kinds, settings.Rounds, MeasureAsync);
        var report = new BenchReport();
        var failed = false;
        var roundsText = settings.Rounds > 1 ? $", {settings.Rounds} rounds added up" : "";
        foreach (var result in results)
        {
            report.Add(result.Kind.FloorName + roundsText, access.Description, ReaderRounds.Sum(result.Floors));
            report.Add(result.Kind.ReaderName + roundsText, access.Description, ReaderRounds.Sum(result.Readers));
            for (var round = 0; round < result.Floors.Count; round++)
            {
                failed |= !Check(report, result.Kind.Kind, result.Floors[round].Records, result.Kind.ManifestRecords, [("readers", result.Readers[round])]);
            }
        }

        AddReaderRatios(report, results, settings.Rounds);
        var title = $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: readers only, {string.Join(", ", results.Select(result => $"{BenchFormat.Count(result.Floors[0].Records)} {result.Kind.Kind}"))} records";
        Console.Out.Write(report.ToMarkdown(title, settings.CommandLine, corpus.Manifest?.Command, machine, loadBefore, MachineDescription.ReadLoadAverage()));
        return failed ? 1 : 0;
    }

    /// <summary>
    /// Pairs the floor and reader of one kind over <paramref name="objects"/>, read through
    /// <paramref name="access"/>, with a warm-up that runs both once.
    /// </summary>
    private static ReaderKind ReaderKindOf(
        string kind,
        string floorName,
        string readerName,
        IReadOnlyList<LogObject> objects,
        Func<IReadOnlyList<LogObject>, CancellationToken, CorpusAccess?, Task<PhaseMeasurement>> floor,
        Func<IReadOnlyList<LogObject>, CancellationToken, CorpusAccess?, Task<PhaseMeasurement>> reader,
        long? manifestRecords,
        CorpusAccess access,
        CancellationToken cancellationToken) =>
        new(kind, floorName, readerName, () => floor(objects, cancellationToken, access), () => reader(objects, cancellationToken, access), manifestRecords, async () =>
        {
            await floor(objects, cancellationToken, access);
            await reader(objects, cancellationToken, access);
        });

    private static async Task<PhaseMeasurement> MeasureAsync(string name, Func<Task<PhaseMeasurement>> phase)
    {
        Console.Error.WriteLine($"bench: {name}");
        var result = await phase();
        Console.Error.WriteLine($"bench: {name}: {BenchFormat.Count(result.Records)} records in {BenchFormat.Seconds(result.Elapsed)} s");
        return result;
    }

    /// <summary>
    /// The ratios and targets of the readers alone: each reader against the floor of the same files,
    /// as the median over the rounds, with every round's ratio in a note when there is more than one.
    /// </summary>
    private static void AddReaderRatios(BenchReport report, IReadOnlyList<ReaderKindRounds> results, int rounds)
    {
        var median = rounds > 1 ? $", median of {rounds} rounds" : "";
        foreach (var result in results)
        {
            report.AddRatio($"Vigil reader / floor, {result.Kind.Kind}{median}", ReaderRounds.Median(result.Ratios));
        }

        foreach (var result in results.Where(result => result.CpuRatios.Count > 0))
        {
            report.AddRatio($"Vigil reader / floor, {result.Kind.Kind}, per CPU second{median}", ReaderRounds.Median(result.CpuRatios));
        }

        foreach (var result in results)
        {
            report.AddTarget($"Vigil reader / floor, {result.Kind.Kind}{median}", ReaderRounds.Median(result.Ratios), ReaderTarget, atMost: false, BenchFormat.Ratio);
        }

        report.AddNote("Before the first round, each kind's floor and reader read all of its files once without being measured, so that round 1 runs code as compiled as the later rounds'.");
        if (rounds > 1)
        {
            foreach (var result in results)
            {
                report.AddNote($"Vigil reader / floor, {result.Kind.Kind}, per round: {string.Join(", ", result.Ratios.Select(BenchFormat.Ratio))}" +
                    $" (per CPU second: {string.Join(", ", result.CpuRatios.Select(BenchFormat.Ratio))}). The floor ran first in odd rounds and the reader first in even rounds.");
            }
        }
    }

    private static void AddRatios(
        BenchReport report, IReadOnlyList<ReaderPair> readerPairs, PhaseMeasurement floorCloudTrail, PhaseMeasurement floorFlow,
        PhaseMeasurement? jq, ReplayMeasurement replay, HostMeasurement? host)
    {
        foreach (var pair in readerPairs)
        {
            report.AddRatio($"Vigil reader / floor, {pair.Kind}", pair.Reader, pair.Floor);
        }

        report.AddRatio("Vigil replay / floor, CloudTrail", replay.CloudTrail, floorCloudTrail);
        report.AddRatio("Vigil replay / floor, VPC flow", replay.Flow, floorFlow);
        if (jq is not null)
        {
            report.AddRatio("Vigil replay / jq, CloudTrail", replay.CloudTrail, jq);
        }

        if (host?.CloudTrail is { } hostCloudTrail)
        {
            report.AddRatio("Vigil host / floor, CloudTrail", hostCloudTrail, floorCloudTrail);
            if (jq is not null)
            {
                report.AddRatio("Vigil host / jq, CloudTrail", hostCloudTrail, jq);
            }
        }

        if (host?.Flow is { } hostFlow)
        {
            report.AddRatio("Vigil host / floor, VPC flow", hostFlow, floorFlow);
        }

        foreach (var pair in readerPairs)
        {
            report.AddCpuRatio($"Vigil reader / floor, {pair.Kind}, per CPU second", pair.Reader, pair.Floor);
        }

        report.AddCpuRatio("Vigil replay / floor, CloudTrail, per CPU second", replay.CloudTrail, floorCloudTrail);
        report.AddCpuRatio("Vigil replay / floor, VPC flow, per CPU second", replay.Flow, floorFlow);
        AddTargets(report, readerPairs, floorCloudTrail, floorFlow, jq, host);
    }

    /// <summary>
    /// Shows how far above jq the floor and decompression alone run, so the report shows whether the
    /// target of <see cref="JqTarget"/> times jq is within reach of any reader of these files here.
    /// </summary>
    private static void AddJqReach(BenchReport report, PhaseMeasurement floorCloudTrail, PhaseMeasurement? decompressOnly, PhaseMeasurement? jq)
    {
        if (jq is null || decompressOnly is null)
        {
            return;
        }

        report.AddRatio("floor / jq, CloudTrail", floorCloudTrail, jq);
        report.AddRatio("decompress only / jq, CloudTrail", decompressOnly, jq);
        var reach = decompressOnly.RecordsPerSecond / jq.RecordsPerSecond;
        if (reach < JqTarget)
        {
            report.AddNote(
                $"Decompressing the CloudTrail files alone, with no parsing at all, ran at {BenchFormat.Ratio(reach)} times jq in this run. " +
                $"So no reader of these gzip files reaches {JqTarget} times jq on this machine, however little it does after decompressing.");
        }
    }

    private static void AddTargets(
        BenchReport report, IReadOnlyList<ReaderPair> readerPairs, PhaseMeasurement floorCloudTrail, PhaseMeasurement floorFlow,
        PhaseMeasurement? jq, HostMeasurement? host)
    {
        static string Ratio(double value) => BenchFormat.Ratio(value);
        foreach (var pair in readerPairs)
        {
            report.AddTarget($"Vigil reader / floor, {pair.Kind}", pair.Reader.RecordsPerSecond / pair.Floor.RecordsPerSecond, ReaderTarget, atMost: false, Ratio);
        }

        if (host?.CloudTrail is { } hostCloudTrail)
        {
            report.AddTarget("Vigil host / floor, CloudTrail", hostCloudTrail.RecordsPerSecond / floorCloudTrail.RecordsPerSecond, EndToEndTarget, atMost: false, Ratio);
            if (jq is not null)
            {
                report.AddTarget("Vigil host / jq, CloudTrail", hostCloudTrail.RecordsPerSecond / jq.RecordsPerSecond, JqTarget, atMost: false, Ratio);
            }
        }

        if (host?.Flow is { } hostFlow)
        {
            report.AddTarget("Vigil host / floor, VPC flow", hostFlow.RecordsPerSecond / floorFlow.RecordsPerSecond, EndToEndTarget, atMost: false, Ratio);
        }

        if (host?.Latency?.Percentile(0.99) is { } p99)
        {
            report.AddTarget($"Vigil host, latency p99 over {host.Latency.Latencies.Count} CloudTrail files", p99.TotalSeconds, LatencyTargetSeconds, atMost: true, value => $"{BenchFormat.Seconds(TimeSpan.FromSeconds(value))} s");
        }

        if (host?.ResidentAfterCorpus is { } resident)
        {
            report.AddTarget("Vigil host, resident memory after the corpus", resident, MemoryTargetBytes, atMost: true, value => BenchFormat.Bytes((long)value));
        }
    }

    private static void AddNotes(BenchReport report, BenchCorpus corpus, ReplayMeasurement replay, JqResult? jq, HostMeasurement? host)
    {
        report.AddNote($"Vigil replay: {replay.Findings} findings stored in memory, aggregating {replay.Occurrences} occurrences. The silo's start-up ({BenchFormat.Seconds(replay.Startup)} s) is not in the times, and its peak working set counts from the silo's start, so the VPC flow row includes the CloudTrail phase.");
        if (jq is not null)
        {
            report.AddNote($"jq matched {jq.Matches} records. Its pipelines run in child processes, whose memory is not measured.");
        }

        if (host is not null)
        {
            var outcome = host.Completed
                ? $"the ledger listed all {host.ObjectsExpected} objects"
                : $"the ledger listed only {host.ObjectsDone} of {host.ObjectsExpected} objects when the run stopped";
            if (host.Latency is { } latency)
            {
                report.AddNote($"Vigil host latency: {latency.Latencies.Count} of {HostLatencyBenchmark.Files} CloudTrail files of one root-credential call each, moved into the watched folder one at a time after the corpus, reached the ledger (so their findings were stored): p50 {Seconds(latency.Percentile(0.5))} s, p99 {Seconds(latency.Percentile(0.99))} s, max {Seconds(latency.Percentile(1))} s, polled every 10 ms.");
            }

            if (host.ResidentAfterCorpus is { } resident)
            {
                report.AddNote($"Vigil host resident memory (VmRSS) when the ledger listed every object of the corpus: {BenchFormat.Bytes(resident)}.");
            }

            report.AddNote($"Vigil host: {outcome}; {host.Findings} findings stored in PostgreSQL, aggregating {host.Occurrences} occurrences. The whole-run time starts when the logs are moved into the watched folder{(host.FirstObjectDelay is { } delay ? $" (the first object started {BenchFormat.Seconds(delay)} s later)" : "")} and ends at the poll (once a second) that finds the last ledger entry. The per-kind rows span the ledger's first start to its last finish. {(host.Silos > 1 ? $"{host.Silos} host processes ran as silos of one cluster, watching the same folder; CPU times, peaks and resident memory are summed over them, and each peak is that process's VmHWM since its start." : "Peaks are the host process's VmHWM since its start.")}");
        }

        if (corpus.OtherObjects > 0)
        {
            report.AddNote($"{corpus.OtherObjects} other files below logs/ were not measured; the host still reads them.");
        }
    }

    /// <summary>Adds a note and returns false when phases counted different records or an object failed.</summary>
    private static bool CheckCounts(
        BenchReport report, BenchCorpus corpus, PhaseMeasurement floorCloudTrail, PhaseMeasurement floorFlow,
        PhaseMeasurement readerCloudTrail, PhaseMeasurement readerFlow, ReplayMeasurement replay, HostMeasurement? host)
    {
        var ok = true;
        var cloudTrailCounts = new List<(string Name, PhaseMeasurement? Result)>
        {
            ("readers", readerCloudTrail), ("replay", replay.CloudTrail), ("host", host?.CloudTrail),
        };
        var flowCounts = new List<(string Name, PhaseMeasurement? Result)>
        {
            ("readers", readerFlow), ("replay", replay.Flow), ("host", host?.Flow),
        };

        ok &= Check(report, "CloudTrail", floorCloudTrail.Records, corpus.Manifest?.CloudTrailRecords, cloudTrailCounts);
        ok &= Check(report, "VPC flow", floorFlow.Records, corpus.Manifest?.FlowRecords, flowCounts);
        if (host?.Latency is { Problems.Count: > 0 } latency)
        {
            report.AddNote($"FAILED: latency files: {string.Join("; ", latency.Problems)}.");
            ok = false;
        }

        if (host is { Completed: false })
        {
            report.AddNote($"FAILED: the host did not finish within the timeout or exited. Its last output:\n\n```\n{host.OutputTail}\n```");
            ok = false;
        }

        return ok;
    }

    private static bool Check(BenchReport report, string kind, long floorRecords, long? manifestRecords, List<(string Name, PhaseMeasurement? Result)> others)
    {
        var ok = true;
        if (manifestRecords is { } expected && expected != floorRecords)
        {
            report.AddNote($"FAILED: the floor counted {floorRecords} {kind} records, but corpus.json lists {expected}.");
            ok = false;
        }

        foreach (var (name, result) in others)
        {
            if (result is null)
            {
                continue;
            }

            if (result.Records != floorRecords)
            {
                report.AddNote($"FAILED: the {name} phase read {result.Records} {kind} records, the floor {floorRecords}.");
                ok = false;
            }

            if (result.Rejected > 0 || result.FailedObjects > 0)
            {
                report.AddNote($"FAILED: the {name} phase rejected {result.Rejected} {kind} records and failed on {result.FailedObjects} objects.");
                ok = false;
            }
        }

        return ok;
    }

    private static bool JqAvailable()
    {
        foreach (var program in new[] { "jq", "zcat", "bash" })
        {
            if (JqBenchmark.FindOnPath(program) is null)
            {
                Console.Error.WriteLine($"warning: '{program}' is not on PATH, so the jq baseline is skipped; install it (Debian: apt-get install jq gzip bash).");
                return false;
            }
        }

        return true;
    }

    /// <summary>Finds the host's build output and the checkout whose deploy/local/pg-start.sh starts the database; writes an error and returns false when either is missing.</summary>
    internal static bool TryLocateHost(string? hostDllOption, out string? hostDll, out string? repositoryRoot)
    {
        repositoryRoot = FindRepositoryRoot(AppContext.BaseDirectory) ?? FindRepositoryRoot(Environment.CurrentDirectory);
        if (repositoryRoot is null || !File.Exists(Path.Combine(repositoryRoot, "deploy", "local", "pg-start.sh")))
        {
            Console.Error.WriteLine("error: --host needs a checkout of Vigil (a folder with Platform.sln and deploy/local/pg-start.sh) above the vigil build output or the current folder.");
            hostDll = null;
            return false;
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        hostDll = hostDllOption ?? Path.Combine(repositoryRoot, "src", "Vigil.Host", "bin", configuration, "net10.0", "Vigil.Host.dll");
        if (!File.Exists(hostDll))
        {
            Console.Error.WriteLine($"error: host build output '{hostDll}' not found; build it (dotnet build src/Vigil.Host -c {configuration}) or pass --host-dll.");
            return false;
        }

        return true;
    }

    internal static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>A reader and the floor of the same files, and the records that corpus.json lists for them.</summary>
    private sealed record ReaderPair(string Kind, PhaseMeasurement Floor, PhaseMeasurement Reader, long? ManifestRecords);

    private static string Seconds(TimeSpan? value) => value is { } time ? BenchFormat.Seconds(time) : "none";

    private static long SizeOf(IEnumerable<LogObject> objects) => objects.Sum(item => new FileInfo(item.Path).Length);

    /// <summary>Reads every file once, so the first phase does not pay for disk reads that the later ones skip.</summary>
    private static async Task WarmPageCacheAsync(BenchCorpus corpus, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(corpus.CloudTrailObjects.Concat(corpus.FlowObjects).Concat(corpus.Route53Objects).Concat(corpus.ParquetFlowObjects), options, async (logObject, token) =>
        {
            await using var file = File.OpenRead(logObject.Path);
            await file.CopyToAsync(Stream.Null, token);
        });
        Console.Error.WriteLine($"bench: read every file once to fill the page cache in {BenchFormat.Seconds(stopwatch.Elapsed)} s");
    }
}
