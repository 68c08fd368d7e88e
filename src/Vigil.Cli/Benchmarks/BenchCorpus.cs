using System.Text.Json;
using Vigil.Cli.Simulation;
using Vigil.Contracts.Storage;
using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// A benchmark corpus folder as <c>vigil bench generate</c> writes it: the logs in the S3 key layout
/// below <c>logs/</c>, the demo threat list in <c>threat-list.txt</c> and what was generated in <c>corpus.json</c>.
/// </summary>
internal sealed class BenchCorpus
{
    public const string LogsFolderName = "logs";
    public const string ManifestFileName = "corpus.json";
    public const string ThreatListFileName = "threat-list.txt";

    /// <summary>Average CloudTrail events per delivered file; AWS delivers a few hundred per file at this volume.</summary>
    public const int CloudTrailRecordsPerFile = 400;

    /// <summary>Average flow records per file: about five minutes of traffic of the simulated network interfaces.</summary>
    public const int FlowRecordsPerFile = 2_500;

    public const int Users = 3_000;

    public const int Roles = 200;

    public const int NetworkInterfaces = 3_000;

    public const int Days = 7;

    /// <summary>First event time of every corpus, so the same seed gives the same files on any day.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private BenchCorpus(string folder, IReadOnlyList<LogObject> objects, CorpusManifest? manifest)
    {
        Folder = folder;
        CloudTrailObjects = [.. objects.Where(item => item.Kind == ObjectKind.CloudTrail)];
        FlowObjects = [.. objects.Where(item => item.Kind == ObjectKind.VpcFlow && !LogFileDiscovery.IsParquet(item.Key))];
        OtherObjects = objects.Count - CloudTrailObjects.Count - FlowObjects.Count;
        Manifest = manifest;
    }

    public string Folder { get; }

    public string LogsFolder => Path.Combine(Folder, LogsFolderName);

    public string? ThreatListPath => File.Exists(Path.Combine(Folder, ThreatListFileName)) ? Path.Combine(Folder, ThreatListFileName) : null;

    /// <summary>CloudTrail objects in key order, which is the order the host reads them in.</summary>
    public IReadOnlyList<LogObject> CloudTrailObjects { get; }

    /// <summary>Text flow log objects in key order.</summary>
    public IReadOnlyList<LogObject> FlowObjects { get; }

    /// <summary>Objects below <c>logs/</c> that are neither CloudTrail nor text flow logs; the benchmark reads none of them.</summary>
    public int OtherObjects { get; }

    /// <summary>What <c>vigil bench generate</c> wrote, or null for a folder without <c>corpus.json</c>.</summary>
    public CorpusManifest? Manifest { get; }

    /// <summary>
    /// Writes a corpus into <paramref name="folder"/> with the demo simulators, CloudTrail and flow logs
    /// at the same time. The same settings always give the same files.
    /// </summary>
    public static async Task<CorpusManifest> GenerateAsync(string folder, int seed, int cloudTrailRecords, int flowRecords, string command)
    {
        var logs = Path.Combine(folder, LogsFolderName);
        var cloudTrail = Task.Run(() => new DemoLogSimulator(seed, Start, Days, eventsPerSlot: 1)
            .WriteVolume(logs, new CloudTrailVolume(cloudTrailRecords, CloudTrailRecordsPerFile, Users, Roles)));
        var flow = Task.Run(() => new DemoNetworkSimulator(seed, Start, Days)
            .WriteFlowVolume(logs, new FlowVolume(flowRecords, FlowRecordsPerFile, NetworkInterfaces)));
        var cloudTrailResult = await cloudTrail;
        var flowResult = await flow;

        await File.WriteAllTextAsync(Path.Combine(folder, ThreatListFileName), DemoEstate.ThreatListText + "\n");
        var manifest = new CorpusManifest(
            command, seed, Start, Days, cloudTrailResult.Events, cloudTrailResult.Files, cloudTrailResult.Incidents, Users, Roles,
            flowResult.Records, flowResult.Files, NetworkInterfaces);
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
        return new BenchCorpus(folder, LogFileDiscovery.Enumerate(logs), manifest);
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
    int NetworkInterfaces);
