using System.Text.Json;
using Vigil.Cli.Simulation;
using Vigil.Contracts.Storage;
using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// A benchmark corpus folder as <c>vigil bench generate</c> writes it: the logs in the S3 key layout
/// below <c>logs/</c>, the Route 53 and Parquet flow logs that only the reader phases read below
/// <c>reader-logs/</c>, the demo threat list in <c>threat-list.txt</c> and what was generated in <c>corpus.json</c>.
/// </summary>
internal sealed class BenchCorpus
{
    public const string LogsFolderName = "logs";

    /// <summary>
    /// Route 53 and Parquet flow logs, measured by the reader and floor phases only. They are kept apart
    /// from <c>logs/</c> so that the replay and host phases read the same objects as in earlier runs.
    /// </summary>
    public const string ReaderLogsFolderName = "reader-logs";
    public const string ManifestFileName = "corpus.json";
    public const string ThreatListFileName = "threat-list.txt";

    /// <summary>Average CloudTrail events per delivered file; AWS delivers a few hundred per file at this volume.</summary>
    public const int CloudTrailRecordsPerFile = 400;

    /// <summary>Average flow records per file: about five minutes of traffic of the simulated network interfaces.</summary>
    public const int FlowRecordsPerFile = 2_500;

    /// <summary>Average Route 53 Resolver query records per file.</summary>
    public const int Route53RecordsPerFile = 2_500;

    /// <summary>Rows per Parquet flow log file, in one row group; a columnar file holds more records than a text delivery.</summary>
    public const int ParquetFlowRecordsPerFile = 50_000;

    public const int Users = 3_000;

    public const int Roles = 200;

    public const int NetworkInterfaces = 3_000;

    public const int Days = 7;

    /// <summary>First event time of every corpus, so the same seed gives the same files on any day.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private BenchCorpus(string folder, IReadOnlyList<LogObject> objects, IReadOnlyList<LogObject> readerObjects, CorpusManifest? manifest)
    {
        Folder = folder;
        CloudTrailObjects = [.. objects.Where(item => item.Kind == ObjectKind.CloudTrail)];
        FlowObjects = [.. objects.Where(item => item.Kind == ObjectKind.VpcFlow && !LogFileDiscovery.IsParquet(item.Key))];
        OtherObjects = objects.Count - CloudTrailObjects.Count - FlowObjects.Count;
        Route53Objects = [.. readerObjects.Where(item => item.Kind == ObjectKind.Route53)];
        ParquetFlowObjects = [.. readerObjects.Where(item => item.Kind == ObjectKind.VpcFlow && LogFileDiscovery.IsParquet(item.Key))];
        Manifest = manifest;
    }

    public string Folder { get; }

    public string LogsFolder => Path.Combine(Folder, LogsFolderName);

    public string? ThreatListPath => File.Exists(Path.Combine(Folder, ThreatListFileName)) ? Path.Combine(Folder, ThreatListFileName) : null;

    /// <summary>CloudTrail objects in key order, which is the order the host reads them in.</summary>
    public IReadOnlyList<LogObject> CloudTrailObjects { get; }

    /// <summary>Text flow log objects in key order.</summary>
    public IReadOnlyList<LogObject> FlowObjects { get; }

    /// <summary>Route 53 Resolver query log objects below <c>reader-logs/</c>, in key order.</summary>
    public IReadOnlyList<LogObject> Route53Objects { get; }

    /// <summary>Parquet flow log objects below <c>reader-logs/</c>, in key order.</summary>
    public IReadOnlyList<LogObject> ParquetFlowObjects { get; }

    /// <summary>Objects below <c>logs/</c> that are neither CloudTrail nor text flow logs; the benchmark reads none of them.</summary>
    public int OtherObjects { get; }

    /// <summary>What <c>vigil bench generate</c> wrote, or null for a folder without <c>corpus.json</c>.</summary>
    public CorpusManifest? Manifest { get; }

    /// <summary>
    /// Writes a corpus into <paramref name="folder"/> with the demo simulators, CloudTrail and flow logs
    /// at the same time. The same settings always give the same files.
    /// </summary>
    public static async Task<CorpusManifest> GenerateAsync(string folder, int seed, CorpusVolume volume, string command)
    {
        var logs = Path.Combine(folder, LogsFolderName);
        var readerLogs = Path.Combine(folder, ReaderLogsFolderName);
        var cloudTrail = Task.Run(() => new DemoLogSimulator(seed, Start, Days, eventsPerSlot: 1)
            .WriteVolume(logs, new CloudTrailVolume(volume.CloudTrailRecords, CloudTrailRecordsPerFile, Users, Roles)));
        var flow = Task.Run(() => new DemoNetworkSimulator(seed, Start, Days)
            .WriteFlowVolume(logs, new FlowVolume(volume.FlowRecords, FlowRecordsPerFile, NetworkInterfaces)));
        var route53 = Task.Run(() => volume.Route53Records == 0
            ? (0, 0)
            : new ReaderCorpusWriter(seed, Start, Days).WriteQueryVolume(readerLogs, volume.Route53Records, Route53RecordsPerFile, NetworkInterfaces));
        var parquet = Task.Run(() => volume.ParquetFlowRecords == 0
            ? Task.FromResult((0, 0))
            : new ReaderCorpusWriter(seed + 1, Start, Days).WriteParquetFlowVolumeAsync(readerLogs, volume.ParquetFlowRecords, ParquetFlowRecordsPerFile, NetworkInterfaces));
        var cloudTrailResult = await cloudTrail;
        var flowResult = await flow;
        var (route53Files, route53Records) = await route53;
        var (parquetFiles, parquetRecords) = await parquet;

        await File.WriteAllTextAsync(Path.Combine(folder, ThreatListFileName), DemoEstate.ThreatListText + "\n");
        var manifest = new CorpusManifest(
            command, seed, Start, Days, cloudTrailResult.Events, cloudTrailResult.Files, cloudTrailResult.Incidents, Users, Roles,
            flowResult.Records, flowResult.Files, NetworkInterfaces)
        {
            Route53Records = route53Records,
            Route53Files = route53Files,
            ParquetFlowRecords = parquetRecords,
            ParquetFlowFiles = parquetFiles,
        };
        await File.WriteAllTextAsync(Path.Combine(folder, ManifestFileName), JsonSerializer.Serialize(manifest, ManifestJson) + "\n");
        return manifest;
    }

    /// <summary>Lists the objects of the corpus in <paramref name="folder"/>; throws <see cref="DirectoryNotFoundException"/> without a <c>logs/</c> folder.</summary>
    public static BenchCorpus Open(string folder)
    {
        var logs = Path.Combine(folder, LogsFolderName);
        if (!Directory.Exists(logs))
        {
            throw new DirectoryNotFoundException($"'{folder}' has no '{LogsFolderName}' folder; write a corpus with vigil bench generate --out {folder}.");
        }

        var manifestPath = Path.Combine(folder, ManifestFileName);
        var manifest = File.Exists(manifestPath) ? JsonSerializer.Deserialize<CorpusManifest>(File.ReadAllText(manifestPath), ManifestJson) : null;
        var readerLogs = Path.Combine(folder, ReaderLogsFolderName);
        IReadOnlyList<LogObject> readerObjects = Directory.Exists(readerLogs) ? [.. LogFileDiscovery.Enumerate(readerLogs)] : [];
        return new BenchCorpus(folder, [.. LogFileDiscovery.Enumerate(logs)], readerObjects, manifest);
    }
}

/// <summary>The contents of <c>corpus.json</c>: the command that wrote the corpus and what it wrote.</summary>
internal sealed record CorpusManifest(
    string Command,
    int Seed,
    DateTimeOffset Start,
    int Days,
    int CloudTrailRecords,
    int CloudTrailFiles,
    int PlantedIncidents,
    int Users,
    int Roles,
    int FlowRecords,
    int FlowFiles,
    int NetworkInterfaces)
{
    /// <summary>Route 53 Resolver query records below <c>reader-logs/</c>; 0 in a corpus written before they were added.</summary>
    public int Route53Records { get; init; }

    public int Route53Files { get; init; }

    /// <summary>Parquet flow records below <c>reader-logs/</c>; 0 in a corpus written before they were added.</summary>
    public int ParquetFlowRecords { get; init; }

    public int ParquetFlowFiles { get; init; }
}

/// <summary>How many records of each kind <c>vigil bench generate</c> writes.</summary>
internal sealed record CorpusVolume(int CloudTrailRecords, int FlowRecords, int Route53Records, int ParquetFlowRecords);
