using System.Globalization;

namespace Vigil.Cli.Evaluation;

/// <summary>Writes the activity model comparison of <c>vigil evaluate --activity-model</c> as a Markdown table.</summary>
internal static class ActivityModelReport
{
    public static void Write(TextWriter output, EvaluationResult rules, IReadOnlyList<Contracts.Findings.Finding> occurrences, ActivityModelExperiment.Comparison comparison, int maxListed)
    {
        var truth = rules.Truth;
        var insider = truth.Attacks.Where(attack => attack.Kind == "insider-bulk-read").ToList();

        // The rules cannot raise the model's type; an insider attack counts as found by them when any finding of an acceptable type matches it.
        var rulesFound = insider.Count(attack => occurrences.Any(occurrence => ScenarioScore.Matches(occurrence, attack)));
        var days = truth.PrincipalDaysAfterLearning;
        output.WriteLine();
        output.WriteLine($"Activity model: {comparison.TrainingRuns} weekly trainings (up to {comparison.TrainingHours} principal-hours each), {comparison.HoursScored} principal-hours scored after learning.");
        output.WriteLine();
        output.WriteLine("| detectors | insider-bulk-read found | false findings about principals | per 1,000 principal-days |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine($"| rules alone | {rulesFound} of {insider.Count} | {rules.FalsePrincipalFindings} | {Rate(rules.FalsePrincipalFindings, days)} |");
        foreach (var added in comparison.Models.Prepend(comparison.CountRule))
        {
            var found = Math.Max(rulesFound, added.AttacksFound);
            var falseCount = rules.FalsePrincipalFindings + added.FalseDays;
            output.WriteLine($"| rules + {added.Name} | {found} of {insider.Count} | {falseCount} | {Rate(falseCount, days)} |");
        }

        output.WriteLine();
        foreach (var score in comparison.Models.Prepend(comparison.CountRule))
        {
            var kinds = string.Join(", ", score.FoundByKind.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value}"));
            output.WriteLine($"{score.Name} alone: {score.TrueDays} true and {score.FalseDays} false principal-days; attacks found by kind: {kinds}.");
        }

        output.WriteLine();
        output.WriteLine($"The insider hours scored at most {comparison.HighestInsiderScoreRatio:0.00} times the highest training score of RandomizedPca rank {ActivityModelExperiment.Rank}.");
        if (comparison.FalseModelDays.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"False principal-days of RandomizedPca rank {ActivityModelExperiment.Rank} above the highest training score (first flagged hour):");
            foreach (var line in comparison.FalseModelDays.Take(maxListed))
            {
                output.WriteLine($"- {line}");
            }
        }
    }

    private static string Rate(int count, int days) => (days == 0 ? 0 : count * 1000.0 / days).ToString("0.##", CultureInfo.InvariantCulture);
}
