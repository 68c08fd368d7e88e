using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vigil.Cli.Simulation.Scenario;
using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Detection.Detectors;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Cli.Evaluation;

/// <summary>
/// The measurement behind the decision on a Microsoft.ML activity model (<c>vigil evaluate
/// --activity-model</c>): a RandomizedPca anomaly model over per-principal hourly activity vectors,
/// trained per tenant, against the shipped rules alone and against a plain count rule.
/// </summary>
/// <remarks>
/// The scenario's CloudTrail events are summed per principal and UTC hour into <see cref="FeatureCount"/>
/// features. Eight are counts, each as log(1 + n): events, S3 reads, S3 writes, management reads and
/// writes, distinct APIs, errors and source addresses. The others are the hour of day (sine and
/// cosine), the principal's share of learned active hours at that hour of day, and the log ratio of
/// the hour's events to the principal's busiest learned hour. One model per tenant is retrained each
/// week of event time on every hour before that week, as a background job would, for each of
/// <see cref="Ranks"/>, and flags an hour whose score exceeds each quantile of
/// <see cref="Thresholds"/> of its training scores. The count rule flags an hour with at least
/// <see cref="CountRuleMinimumEvents"/> events and more than <see cref="CountRuleFactor"/> times the
/// principal's busiest learned hour. Flagged hours become one finding per principal and UTC day.
/// </remarks>
internal static class ActivityModelExperiment
{
    public const int FeatureCount = 12;
    public const double CountRuleFactor = 3;
    public const int CountRuleMinimumEvents = 30;
    /// <summary>The rank whose false findings and insider scores the report lists.</summary>
    public const int Rank = 4;

    /// <summary>Ranks of the PCA tried; each with each of <see cref="Thresholds"/>.</summary>
    public static readonly int[] Ranks = [1, 2, 4, 8];

    /// <summary>Quantiles of the training scores an hour's score must exceed to be flagged; 1 is the highest training score.</summary>
    public static readonly double[] Thresholds = [1.0, 0.9999, 0.999];

    /// <summary>Principal-hours flagged by one detector, with the principal-day findings they make.</summary>
    internal sealed record DetectorScore(string Name, int AttacksFound, int AttacksPlanted, int TrueDays, int FalseDays, IReadOnlyDictionary<string, int> FoundByKind);

    internal sealed record Comparison(int TrainingRuns, int HoursScored, int TrainingHours, IReadOnlyList<DetectorScore> Models, DetectorScore CountRule, IReadOnlyList<string> FalseModelDays, double HighestInsiderScoreRatio);

    public static async Task<Comparison> RunAsync(string folder, GroundTruth truth, CancellationToken cancellationToken)
    {
        var hours = await ReadHoursAsync(Path.Combine(folder, "logs"), cancellationToken);
        var learningEnd = truth.Start.AddDays(truth.LearningDays);
        var variants = Ranks.SelectMany(rank => Thresholds.Select(quantile => (Rank: rank, Quantile: quantile))).ToList();
        var modelFlags = variants.ToDictionary(variant => variant, _ => new List<HourActivity>());
        var countFlags = new List<HourActivity>();
        var insider = truth.Attacks.Where(attack => attack.Kind == "insider-bulk-read").ToList();
        var insiderRatio = 0.0;
        var runs = 0;
        var scored = 0;
        var trainingHours = 0;
        for (var weekStart = learningEnd; weekStart < truth.End; weekStart = weekStart.AddDays(7))
        {
            var weekEnd = weekStart.AddDays(7);
            var training = hours.Where(item => item.Hour < weekStart).ToList();
            var baselines = training.GroupBy(item => item.Principal).ToDictionary(group => group.Key, Baseline.Of, StringComparer.Ordinal);
            var scoring = hours.Where(item => item.Hour >= weekStart && item.Hour < weekEnd && baselines.ContainsKey(item.Principal)).ToList();
            if (scoring.Count == 0)
            {
                continue;
            }

            var context = new MLContext(seed: 1);
            var trainData = context.Data.LoadFromEnumerable(training.Select(item => new ActivityVector { Features = Features(item, baselines[item.Principal]) }));
            var scoreData = context.Data.LoadFromEnumerable(scoring.Select(item => new ActivityVector { Features = Features(item, baselines[item.Principal]) }));
            foreach (var rank in Ranks)
            {
                var pipeline = context.Transforms.NormalizeMeanVariance("Features")
                    .Append(context.AnomalyDetection.Trainers.RandomizedPca(featureColumnName: "Features", rank: rank, ensureZeroMean: true, seed: 1));
                var model = pipeline.Fit(trainData);
                var trainingScores = Scores(context, model, trainData);
                Array.Sort(trainingScores);
                var scores = Scores(context, model, scoreData);
                if (rank == Rank)
                {
                    var highest = trainingScores[^1];
                    for (var i = 0; i < scoring.Count; i++)
                    {
                        if (insider.Any(attack => Overlaps(scoring[i], attack)))
                        {
                            insiderRatio = Math.Max(insiderRatio, scores[i] / highest);
                        }
                    }
                }

                foreach (var quantile in Thresholds)
                {
                    var threshold = trainingScores[Math.Min(trainingScores.Length - 1, (int)Math.Floor(quantile * (trainingScores.Length - 1)))];
                    for (var i = 0; i < scoring.Count; i++)
                    {
                        if (scores[i] > threshold)
                        {
                            modelFlags[(rank, quantile)].Add(scoring[i]);
                        }
                    }
                }
            }

            foreach (var hour in scoring)
            {
                if (hour.Events >= CountRuleMinimumEvents && hour.Events > CountRuleFactor * baselines[hour.Principal].MaxEvents)
                {
                    countFlags.Add(hour);
                }
            }

            runs++;
            scored += scoring.Count;
            trainingHours = Math.Max(trainingHours, training.Count);
        }

        var principalAttacks = truth.Attacks.Where(attack => attack.Resources.Any(resource => !resource.StartsWith("i-", StringComparison.Ordinal) && !resource.StartsWith("eni-", StringComparison.Ordinal))).ToList();
        var models = new List<DetectorScore>();
        var falseModel = new List<string>();
        foreach (var variant in variants)
        {
            var name = $"RandomizedPca rank {variant.Rank}, above the {(variant.Quantile >= 1 ? "highest training score" : $"{variant.Quantile * 100:0.##}th percentile of training scores")}";
            models.Add(Score(name, modelFlags[variant], principalAttacks, truth, out var falseDays));
            if (variant == (Rank, 1.0))
            {
                falseModel = falseDays;
            }
        }

        var count = Score($"count rule (at least {CountRuleMinimumEvents} events and over {CountRuleFactor:0} times the busiest learned hour)", countFlags, principalAttacks, truth, out _);
        return new Comparison(runs, scored, trainingHours, models, count, falseModel, insiderRatio);
    }

    private static DetectorScore Score(string name, List<HourActivity> flags, List<PlantedAttack> attacks, GroundTruth truth, out List<string> falseDays)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var trueDays = new HashSet<(string, DateOnly)>();
        var falseSet = new SortedDictionary<(string, DateOnly), HourActivity>();
        foreach (var flag in flags)
        {
            var matched = false;
            foreach (var attack in attacks)
            {
                if (Overlaps(flag, attack))
                {
                    matched = true;
                    found.Add(attack.Id);
                }
            }

            var day = (flag.Principal, DateOnly.FromDateTime(flag.Hour.UtcDateTime));
            if (matched)
            {
                trueDays.Add(day);
            }
            else
            {
                falseSet.TryAdd(day, flag);
            }
        }

        falseDays = [.. falseSet.Values.Select(flag => $"{flag.Hour:yyyy-MM-dd HH}:00Z {flag.Principal}: {flag.Events} events, {flag.Apis.Count} APIs, {flag.Addresses.Count} addresses")];
        var insider = truth.Attacks.Where(attack => attack.Kind == "insider-bulk-read").ToList();
        var byKind = attacks.GroupBy(attack => attack.Kind)
            .ToDictionary(group => group.Key, group => group.Count(attack => found.Contains(attack.Id)), StringComparer.Ordinal);
        return new DetectorScore(name, insider.Count(attack => found.Contains(attack.Id)), insider.Count, trueDays.Count, falseSet.Count, byKind);
    }

    private static bool Overlaps(HourActivity hour, PlantedAttack attack) =>
        hour.Hour.AddHours(1) >= attack.WindowStart - ScenarioScore.LeadTolerance && hour.Hour <= attack.WindowEnd + ScenarioScore.LagTolerance
        && hour.Names.Overlaps(attack.Resources);

    private static float[] Scores(MLContext context, ITransformer model, IDataView data) =>
        [.. context.Data.CreateEnumerable<ActivityScore>(model.Transform(data), reuseRowObject: false).Select(row => row.Score)];

    private static float[] Features(HourActivity hour, Baseline baseline)
    {
        var hourOfDay = hour.Hour.UtcDateTime.Hour;
        var angle = 2 * Math.PI * hourOfDay / 24;
        return
        [
            Log(hour.Events), Log(hour.S3Reads), Log(hour.S3Writes), Log(hour.ManagementReads), Log(hour.ManagementWrites),
            Log(hour.Apis.Count), Log(hour.Errors), Log(hour.Addresses.Count), (float)Math.Sin(angle), (float)Math.Cos(angle),
            baseline.HourShare[hourOfDay], Log(hour.Events) - Log(baseline.MaxEvents),
        ];

        static float Log(double value) => (float)Math.Log(1 + value);
    }

    private static async Task<List<HourActivity>> ReadHoursAsync(string logRoot, CancellationToken cancellationToken)
    {
        var reader = new CloudTrailObjectReader();
        var hours = new Dictionary<(string Principal, DateTimeOffset Hour), HourActivity>();
        var files = Directory.EnumerateFiles(logRoot, "*.json.gz", SearchOption.AllDirectories)
            .Where(path => path.Contains($"{Path.DirectorySeparatorChar}CloudTrail{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            await using var file = File.OpenRead(path);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await reader.ReadAsync(gzip, path, DateTimeOffset.UnixEpoch, events =>
            {
                foreach (var record in events)
                {
                    Add(hours, record);
                }

                return ValueTask.CompletedTask;
            }, _ => { }, cancellationToken);
        }

        return [.. hours.Values.OrderBy(item => item.Hour).ThenBy(item => item.Principal, StringComparer.Ordinal)];
    }

    private static void Add(Dictionary<(string, DateTimeOffset), HourActivity> hours, CloudTrailEvent record)
    {
        if (record.UserIdentity is not { } identity || identity.Type == "AWSService")
        {
            return;
        }

        var principal = PrincipalKey.For(record);
        var time = record.EventTime.UtcDateTime;
        var hour = new DateTimeOffset(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);
        if (!hours.TryGetValue((principal, hour), out var activity))
        {
            activity = new HourActivity(principal, hour);
            hours[(principal, hour)] = activity;
        }

        activity.Events++;
        if (S3Events.IsDataEvent(record))
        {
            if (record.ReadOnly == true || record.EventName is "GetObject" or "HeadObject" or "ListObjects" or "ListObjectsV2")
            {
                activity.S3Reads++;
            }
            else
            {
                activity.S3Writes++;
            }
        }
        else if (record.ReadOnly == true)
        {
            activity.ManagementReads++;
        }
        else
        {
            activity.ManagementWrites++;
        }

        if (record.ErrorCode is not null)
        {
            activity.Errors++;
        }

        if (activity.Apis.Count < 256)
        {
            activity.Apis.Add(record.EventSource + ":" + record.EventName);
        }

        if (activity.Addresses.Count < 256 && record.SourceIpAddress is { } address)
        {
            activity.Addresses.Add(address);
        }

        foreach (var name in (string?[])[identity.UserName, identity.SessionIssuerUserName, identity.AccessKeyId])
        {
            if (name is not null && activity.Names.Count < 16)
            {
                activity.Names.Add(name);
            }
        }
    }

    private sealed class HourActivity(string principal, DateTimeOffset hour)
    {
        public string Principal { get; } = principal;

        public DateTimeOffset Hour { get; } = hour;

        public int Events { get; set; }

        public int S3Reads { get; set; }

        public int S3Writes { get; set; }

        public int ManagementReads { get; set; }

        public int ManagementWrites { get; set; }

        public int Errors { get; set; }

        public HashSet<string> Apis { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Addresses { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A principal's learned hours: the busiest hour's events and the share of active hours at each hour of day.</summary>
    private sealed record Baseline(int MaxEvents, float[] HourShare)
    {
        public static Baseline Of(IEnumerable<HourActivity> hours)
        {
            var counts = new float[24];
            var max = 0;
            var total = 0;
            foreach (var hour in hours)
            {
                counts[hour.Hour.UtcDateTime.Hour]++;
                max = Math.Max(max, hour.Events);
                total++;
            }

            return new Baseline(max, [.. counts.Select(count => total == 0 ? 0 : count / total)]);
        }
    }

    private sealed class ActivityVector
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    private sealed class ActivityScore
    {
        public float Score { get; set; }
    }
}
