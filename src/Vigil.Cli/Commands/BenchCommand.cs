using System.CommandLine;
using System.Diagnostics;
using Vigil.Cli.Benchmarks;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil bench</c>: writes a reproducible corpus of CloudTrail and VPC flow logs, then measures
/// Vigil's records per second on it against a decompress-and-tokenise floor, jq and the real host.
/// </summary>
internal static class BenchCommand
{
    private const int MinRecords = 100;
    private const int MaxRecords = 1_000_000_000;

    public static Command Create() => new("bench", "Measure Vigil's throughput on a generated corpus of CloudTrail and VPC flow logs.")
    {
        CreateGenerate(),
        CreateRun(),
        ListBenchCommand.Create(),
        CreateSoak(),
        ProfileBenchmark.Create(),
        FindingsBenchmark.Create(),
    };

    private static Command CreateGenerate()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "New or empty folder to write the corpus into (created if missing).", Required = true };
        var cloudTrailRecords = new Option<int>("--cloudtrail-records") { Description = "CloudTrail events to write, in files of about 400 events.", DefaultValueFactory = _ => 1_000_000 };
        var flowRecords = new Option<int>("--flow-records") { Description = "VPC flow records to write, in files of about 2,500 records.", DefaultValueFactory = _ => 5_000_000 };
        var route53Records = new Option<int>("--route53-records") { Description = "Route 53 Resolver query records to write below reader-logs/, in files of about 2,500; 0 writes none.", DefaultValueFactory = _ => 1_000_000 };
        var parquetRecords = new Option<int>("--parquet-flow-records") { Description = "VPC flow records to write as Parquet below reader-logs/, in files of 50,000; 0 writes none.", DefaultValueFactory = _ => 5_000_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed and record counts give the same files.", DefaultValueFactory = _ => 7 };

        var command = new Command(
            "generate",
            $"Write a benchmark corpus: {BenchCorpus.Days} days of CloudTrail events from {BenchCorpus.Users} users and {BenchCorpus.Roles} roles, " +
            $"and VPC flow logs of {BenchCorpus.NetworkInterfaces} network interfaces, with the demo's incidents planted once a day.")
        {
            output, cloudTrailRecords, flowRecords, route53Records, parquetRecords, seed,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var folder = parse.GetValue(output)!;
            if (File.Exists(folder.FullName))
            {
                Console.Error.WriteLine($"error: --out '{folder.FullName}' is a file; name a folder.");
                return 2;
            }

            if (folder.Exists && folder.EnumerateFileSystemInfos().Any())
            {
                Console.Error.WriteLine($"error: --out '{folder.FullName}' is not empty; name a new or empty folder, or delete this one first.");
                return 2;
            }

            var cloudTrail = parse.GetValue(cloudTrailRecords);
            var flow = parse.GetValue(flowRecords);
            if (cloudTrail is < MinRecords or > MaxRecords || flow is < MinRecords or > MaxRecords)
            {
                Console.Error.WriteLine($"error: --cloudtrail-records and --flow-records must be {MinRecords} to {MaxRecords:N0}.");
                return 2;
            }

            var route53 = parse.GetValue(route53Records);
            var parquet = parse.GetValue(parquetRecords);
            if (route53 is not 0 and (< MinRecords or > MaxRecords) || parquet is not 0 and (< MinRecords or > MaxRecords))
            {
                Console.Error.WriteLine($"error: --route53-records and --parquet-flow-records must be 0 or {MinRecords} to {MaxRecords:N0}.");
                return 2;
            }

            folder.Create();
            var stopwatch = Stopwatch.StartNew();
            var commandLine = $"vigil bench generate --out {Quote(folder.FullName)} --cloudtrail-records {cloudTrail} --flow-records {flow} --route53-records {route53} --parquet-flow-records {parquet} --seed {parse.GetValue(seed)}";
            var manifest = await BenchCorpus.GenerateAsync(folder.FullName, parse.GetValue(seed), new CorpusVolume(cloudTrail, flow, route53, parquet), commandLine);

            var logs = Path.Combine(folder.FullName, BenchCorpus.LogsFolderName);
            Console.WriteLine($"Wrote {manifest.CloudTrailRecords} CloudTrail events in {manifest.CloudTrailFiles} files and {manifest.FlowRecords} VPC flow records in {manifest.FlowFiles} files below {logs}, " +
                $"and {manifest.Route53Records} Route 53 query records in {manifest.Route53Files} files and {manifest.ParquetFlowRecords} Parquet flow records in {manifest.ParquetFlowFiles} files below {Path.Combine(folder.FullName, BenchCorpus.ReaderLogsFolderName)}, " +
                $"in {BenchFormat.Seconds(stopwatch.Elapsed)} s");
            Console.WriteLine($"Planted {manifest.PlantedIncidents} CloudTrail incidents; measure with: vigil bench run --corpus {Quote(folder.FullName)}");
            return 0;
        }));
        return command;
    }

    private static Command CreateRun()
    {
        var corpus = new Option<DirectoryInfo>("--corpus") { Description = "Corpus folder written by vigil bench generate.", Required = true };
        var jq = new Option<bool>("--jq") { Description = "Also time five single-record rules as jq filters (zcat | jq, one pipeline per core); needs jq and zcat on PATH." };
        var host = new Option<bool>("--host")
        {
            Description = "Also time the real host from the build output, on a throw-away database of the local PostgreSQL (deploy/local/pg-start.sh), until every object is in the ledger. " +
                "The host may open up to about 90 connections, so other clients of that PostgreSQL can be refused meanwhile.",
        };
        var hostDll = new Option<FileInfo?>("--host-dll") { Description = "Host build output to start with --host; defaults to src/Vigil.Host/bin/<configuration of this vigil>/net10.0/Vigil.Host.dll." };
        var hostTimeout = new Option<int>("--host-timeout") { Description = "Minutes to wait for the host to list every object in the ledger before the run fails.", DefaultValueFactory = _ => 30 };
        var readersOnly = new Option<bool>("--readers-only") { Description = "Measure only the floors and Vigil's readers, without the replay; cannot be combined with --jq or --host." };
        var rounds = new Option<int>("--rounds")
        {
            Description = "With --readers-only: rounds of each floor and reader (1 to 20), alternating which of the two runs first; the ratios are the median of the rounds.",
            DefaultValueFactory = _ => 1,
        };
        var filesAtATime = new Option<int?>("--files-at-a-time")
        {
            Description = "With --readers-only: files each floor and reader reads at a time (1 to 64); defaults to one per core. With 1 and --from-memory, two builds of a reader can be compared on a loaded machine.",
        };
        var fromMemory = new Option<bool>("--from-memory")
        {
            Description = "With --readers-only: load every corpus file into memory first, so no floor or reader reads the disk. Needs memory for the whole compressed corpus.",
        };
        var silos = new Option<int>("--silos")
        {
            Description = "Host processes started with --host, as silos of one cluster on one database that share the watched folder (1 to 8). CPU time and memory are summed over them.",
            DefaultValueFactory = _ => 1,
        };

        var command = new Command(
            "run",
            "Measure records per second on a corpus: the decompress-and-tokenise floor, Vigil's readers, jq (--jq), an in-process replay and the real host (--host). " +
            "Prints a Markdown section for docs/benchmarks.md to standard output and progress to standard error.")
        {
            corpus, jq, host, hostDll, hostTimeout, readersOnly, rounds, filesAtATime, fromMemory, silos,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var folder = parse.GetValue(corpus)!;
            if (!folder.Exists)
            {
                Console.Error.WriteLine($"error: corpus folder '{folder.FullName}' not found; write one with vigil bench generate --out {Quote(folder.FullName)}.");
                return 2;
            }

            var timeout = parse.GetValue(hostTimeout);
            if (timeout < 1)
            {
                Console.Error.WriteLine($"error: invalid --host-timeout {timeout}; give a number of minutes of at least 1.");
                return 2;
            }

            if (parse.GetValue(readersOnly) && (parse.GetValue(jq) || parse.GetValue(host)))
            {
                Console.Error.WriteLine("error: --readers-only measures the floors and readers alone; leave out --jq and --host, or --readers-only.");
                return 2;
            }

            var roundCount = parse.GetValue(rounds);
            if (roundCount is < 1 or > 20)
            {
                Console.Error.WriteLine($"error: invalid --rounds {roundCount}; give a number from 1 to 20.");
                return 2;
            }

            if (roundCount > 1 && !parse.GetValue(readersOnly))
            {
                Console.Error.WriteLine("error: --rounds applies only to --readers-only; add --readers-only or leave out --rounds.");
                return 2;
            }

            var files = parse.GetValue(filesAtATime);
            if (files is < 1 or > 64)
            {
                Console.Error.WriteLine($"error: invalid --files-at-a-time {files}; give a number from 1 to 64.");
                return 2;
            }

            if ((files is not null || parse.GetValue(fromMemory)) && !parse.GetValue(readersOnly))
            {
                Console.Error.WriteLine("error: --files-at-a-time and --from-memory apply only to --readers-only; add --readers-only or leave them out.");
                return 2;
            }

            var siloCount = parse.GetValue(silos);
            if (siloCount is < 1 or > 8)
            {
                Console.Error.WriteLine($"error: invalid --silos {siloCount}; give a number from 1 to 8.");
                return 2;
            }

            var settings = new BenchRunSettings(
                folder.FullName, parse.GetValue(jq), parse.GetValue(host), parse.GetValue(hostDll)?.FullName, TimeSpan.FromMinutes(timeout), CommandLine())
            {
                ReadersOnly = parse.GetValue(readersOnly),
                Rounds = roundCount,
                Silos = siloCount,
                FilesAtATime = files,
                FromMemory = parse.GetValue(fromMemory),
            };
            return await BenchRunner.RunAsync(settings, cancellationToken);
        }));
        return command;
    }

    private static Command CreateSoak()
    {
        var work = new Option<DirectoryInfo>("--work") { Description = "New or empty folder for the delivered logs (created if missing); it grows by about 4 MB per round at the defaults.", Required = true };
        var minutes = new Option<int>("--minutes") { Description = "Minutes of sustained ingest. The growth check leaves out at least the first 15 rounds (7.5 minutes at the default round interval), so use 25 or more for a result worth recording.", DefaultValueFactory = _ => 10 };
        var roundSeconds = new Option<int>("--round-seconds") { Description = "Seconds between deliveries of one more simulated day of logs (337 files at the defaults).", DefaultValueFactory = _ => 30 };
        var eventsPerFile = new Option<int>("--events-per-file") { Description = "Average CloudTrail events per five-minute file of each simulated day.", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "Random seed of the first round; round N uses seed + N.", DefaultValueFactory = _ => 7 };
        var hostDll = new Option<FileInfo?>("--host-dll") { Description = "Host build output to start; defaults to src/Vigil.Host/bin/<configuration of this vigil>/net10.0/Vigil.Host.dll." };

        var command = new Command(
            "soak",
            "Run the real host on a throw-away database of the local PostgreSQL under sustained ingest, sample its resident memory every 5 s, and print whether the steady state grows. " +
            "Prints a Markdown section for docs/benchmarks.md; exits 0 when memory does not grow and 1 when it does.")
        {
            work, minutes, roundSeconds, eventsPerFile, seed, hostDll,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var folder = parse.GetValue(work)!;
            if (File.Exists(folder.FullName) || (folder.Exists && folder.EnumerateFileSystemInfos().Any()))
            {
                Console.Error.WriteLine($"error: --work '{folder.FullName}' is a file or a folder that is not empty; name a new or empty folder.");
                return 2;
            }

            if (parse.GetValue(minutes) is < 1 or > 10_080 || parse.GetValue(roundSeconds) is < 1 or > 3_600 || parse.GetValue(eventsPerFile) is < 1 or > 100_000)
            {
                Console.Error.WriteLine("error: --minutes must be 1 to 10080, --round-seconds 1 to 3600 and --events-per-file 1 to 100000.");
                return 2;
            }

            if (!BenchRunner.TryLocateHost(parse.GetValue(hostDll)?.FullName, out var host, out var repositoryRoot))
            {
                return 2;
            }

            folder.Create();
            var settings = new SoakSettings(
                folder.FullName,
                TimeSpan.FromMinutes(parse.GetValue(minutes)),
                TimeSpan.FromSeconds(parse.GetValue(roundSeconds)),
                parse.GetValue(eventsPerFile),
                parse.GetValue(seed),
                host!,
                repositoryRoot!,
                CommandLine());
            return await SoakBenchmark.RunAsync(settings, cancellationToken);
        }));
        return command;
    }

    /// <summary>Returns this process's command line as a user would type it, starting with <c>vigil</c>.</summary>
    private static string CommandLine() => string.Join(' ', ["vigil", .. Environment.GetCommandLineArgs().Skip(1).Select(Quote)]);

    /// <summary>Quotes <paramref name="value"/> for a POSIX shell when it contains anything but letters, digits and <c>-_./:=,+</c>.</summary>
    private static string Quote(string value) =>
        value.Length > 0 && value.All(character => char.IsAsciiLetterOrDigit(character) || "-_./:=,+".Contains(character, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
