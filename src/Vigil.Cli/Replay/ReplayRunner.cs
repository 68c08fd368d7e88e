using Microsoft.Extensions.Logging;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.ThreatLists;
using Vigil.Rules;

namespace Vigil.Cli.Replay;

/// <summary>
/// Runs the same grains and detectors as the host in a <see cref="ReplaySilo"/> over a folder of
/// logs and returns the findings. Nothing is written to a database.
/// </summary>
public sealed class ReplayRunner(Action<ILoggingBuilder>? configureLogging = null)
{
    /// <summary>Sigma rule files to run beside the built-in detectors; rules with errors are left out and reported in the result.</summary>
    public IReadOnlyList<RuleSource> Rules { get; init; } = [];

    /// <summary>
    /// Replays the logs under <paramref name="logPath"/> without enrichment files and with the default
    /// profile options. <paramref name="listFiles"/> are the tenant's plain-text threat lists, and
    /// <paramref name="platformLists"/> plain-text platform lists with their purposes.
    /// </summary>
    public Task<ReplayResult> RunAsync(
        string tenantId, string logPath, IReadOnlyList<string> listFiles, IProgress<ObjectRecord>? progress, CancellationToken cancellationToken,
        IReadOnlyList<(ThreatPurpose Purpose, string Path)>? platformLists = null) =>
        RunAsync(tenantId, logPath, listFiles, IpEnricher.None, ProfileOptions.Default, progress, cancellationToken, platformLists);

    /// <summary>
    /// Replays with enrichment files and profile options, as the host's <c>Vigil:Enrichment</c> and
    /// <c>Vigil:Profiles</c> settings give them.
    /// </summary>
    public async Task<ReplayResult> RunAsync(
        string tenantId,
        string logPath,
        IReadOnlyList<string> listFiles,
        IpEnricher enricher,
        ProfileOptions profileOptions,
        IProgress<ObjectRecord>? progress,
        CancellationToken cancellationToken,
        IReadOnlyList<(ThreatPurpose Purpose, string Path)>? platformLists = null)
    {
        await using var silo = await ReplaySilo.StartAsync(configureLogging, enricher, profileOptions, cancellationToken);
        var listErrors = LoadLists(silo.ThreatLists, tenantId, listFiles);
        if (platformLists is { Count: > 0 })
        {
            var parsed = silo.ThreatLists.LoadPlatform(platformLists.Select(list => new ThreatListSource(ListNameOf(list.Path), File.ReadAllText(list.Path)) { Purpose = list.Purpose }));
            listErrors = [.. listErrors, .. parsed.SelectMany(list => list.Errors)];
        }

        var ruleDiagnostics = Rules.Count == 0 ? [] : silo.Rules.Load(tenantId, Rules).Diagnostics;
        var summary = await silo.Ingestor.IngestFolderAsync(tenantId, logPath, progress, cancellationToken);
        return new ReplayResult(summary, silo.Findings.Snapshot(tenantId), silo.Ledger.Records, listErrors) { RuleDiagnostics = ruleDiagnostics };
    }

    /// <summary>Returns the name a list file gets in findings: its file name without the extension, as <c>vigil lists import</c> names it.</summary>
    public static string ListNameOf(string path) => Path.GetFileNameWithoutExtension(path);

    private static IReadOnlyList<ListError> LoadLists(ThreatIntelRegistry registry, string tenantId, IReadOnlyList<string> listFiles)
    {
        var lists = listFiles.Select(path => (ListNameOf(path), File.ReadAllText(path))).ToList();
        return lists.Count == 0 ? [] : registry.Load(tenantId, lists, new PlainTextListParser());
    }
}

/// <summary>The outcome of a replay: totals, the aggregated findings, each object's record and the list lines not loaded.</summary>
public sealed record ReplayResult(FolderIngestSummary Summary, IReadOnlyList<Finding> Findings, IReadOnlyCollection<ObjectRecord> Objects, IReadOnlyList<ListError> ListErrors)
{
    /// <summary>Errors and warnings of the rule files given in <see cref="ReplayRunner.Rules"/>.</summary>
    public IReadOnlyList<RuleDiagnostic> RuleDiagnostics { get; init; } = [];
}
