using Microsoft.Extensions.Logging;
using Vigil.Cli.Replay;
using Vigil.Cli.Simulation.Scenario;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;
using Vigil.Grains.Ingest;

namespace Vigil.Cli.Evaluation;

/// <summary>
/// Replays a scenario folder written by <c>vigil simulate --scenario</c> in an in-process silo (no
/// database) with the scenario's enrichment files, records every finding occurrence and scores them
/// against the ground truth. Objects are read one at a time, so the same folder gives the same numbers.
/// </summary>
internal sealed class ScenarioEvaluation(Action<ILoggingBuilder>? configureLogging = null)
{
    public const string Tenant = "evaluation";

    /// <summary>The scenario's score, and the occurrences of each extra folder replayed after it.</summary>
    internal sealed record Outcome(EvaluationResult Result, IReadOnlyList<Finding> Occurrences, IReadOnlyList<(string Path, IReadOnlyList<Finding> Occurrences)> Extra);

    /// <summary>
    /// Replays <paramref name="folder"/>'s logs, then each of <paramref name="extraPaths"/> into the same
    /// grains, so the extra logs are scored against profiles that learned from the scenario.
    /// </summary>
    internal async Task<Outcome> RunAsync(string folder, IReadOnlyList<string> extraPaths, double? learningDays, CancellationToken cancellationToken, IProgress<ObjectRecord>? progress = null)
    {
        var truth = GroundTruth.Read(Path.Combine(folder, GroundTruth.FileName));
        var errors = new List<EnrichmentError>();
        using var enricher = IpEnricher.Load(
            new EnrichmentSettings
            {
                AsnFile = Resolve(folder, truth.AsnFile),
                LocationFile = Resolve(folder, truth.LocationFile),
                AwsIpRangesFile = Resolve(folder, truth.AwsIpRangesFile),
            },
            errors);
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"The scenario's enrichment files have {errors.Count} bad rows; the first: {errors[0]}");
        }

        var profileOptions = ProfileOptions.Default with { LearningPeriod = TimeSpan.FromDays(learningDays ?? truth.LearningDays) };
        OccurrenceRecorder? recorder = null;
        await using var silo = await ReplaySilo.StartAsync(
            configureLogging, enricher, profileOptions, new IngestOptions { MaxParallelObjects = 1 },
            sink => recorder = new OccurrenceRecorder(sink), cancellationToken);

        var summary = await silo.Ingestor.IngestFolderAsync(Tenant, Path.Combine(folder, "logs"), progress, cancellationToken);
        if (summary.ObjectsFailed > 0 || summary.RecordsRejected > 0)
        {
            throw new InvalidDataException($"The scenario's logs did not replay cleanly: {summary.Describe()}");
        }

        var occurrences = recorder!.Occurrences;
        var extra = new List<(string, IReadOnlyList<Finding>)>();
        foreach (var path in extraPaths)
        {
            recorder.Clear();
            await silo.Ingestor.IngestFolderAsync(Tenant, path, progress, cancellationToken);
            extra.Add((path, recorder.Occurrences));
        }

        return new Outcome(ScenarioScore.Score(truth, occurrences), occurrences, extra);
    }

    private static string? Resolve(string folder, string? relative) => relative is null ? null : Path.Combine(folder, relative);
}
