using System.Globalization;
using Vigil.Contracts.Findings;

namespace Vigil.Cli.Evaluation;

/// <summary>Writes an evaluation as Markdown tables.</summary>
internal static class EvaluationReport
{
    public static void Write(TextWriter output, EvaluationResult result, int maxListed)
    {
        var truth = result.Truth;
        output.WriteLine($"Scenario {truth.Scenario}, seed {truth.Seed}, {truth.Start:yyyy-MM-dd} to {truth.End:yyyy-MM-dd}, learning {Number(truth.LearningDays)} days, {truth.Attacks.Count} attacks planted.");
        output.WriteLine();
        output.WriteLine("| finding type | planted | found | recall | true findings | false findings | precision |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in result.Types)
        {
            output.WriteLine($"| `{row.Type}` | {row.Planted} | {row.Found} | {Ratio(row.Recall)} | {row.TrueFindings} | {row.FalseFindings} | {Ratio(row.Precision)} |");
        }

        output.WriteLine();
        output.WriteLine("| attack kind | planted | found with every expected type |");
        output.WriteLine("|---|---|---|");
        foreach (var kind in result.Kinds)
        {
            output.WriteLine($"| {kind.Kind} | {kind.Planted} | {kind.Found} |");
        }

        output.WriteLine();
        output.WriteLine($"False findings after learning: {result.FalsePrincipalFindings} about principals in {truth.PrincipalDaysAfterLearning} principal-days "
            + $"({Number(result.FalsePerThousandPrincipalDays)} per 1,000), {result.FalseEndpointFindings} about endpoints in {truth.EndpointDaysAfterLearning} endpoint-days "
            + $"({Number(result.FalsePerThousandEndpointDays)} per 1,000); {Number(result.FalsePerThousandEntityDays)} per 1,000 principal- and endpoint-days together.");
        output.WriteLine($"Targets (recall >= 0.9 for every planted type, <= 1 false finding per 1,000 days): {(result.TargetsMet ? "met" : "missed")}.");

        if (result.Missed.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Missed attacks:");
            foreach (var attack in result.Missed.Take(maxListed))
            {
                output.WriteLine($"- {attack.Id} ({attack.WindowStart:yyyy-MM-dd HH:mm}Z): {attack.Description}");
            }
        }

        if (result.FalseFindings.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("False findings:");
            foreach (var finding in result.FalseFindings.Take(maxListed))
            {
                output.WriteLine($"- {Describe(finding)}");
            }

            if (result.FalseFindings.Count > maxListed)
            {
                output.WriteLine($"- and {result.FalseFindings.Count - maxListed} more");
            }
        }
    }

    /// <summary>Returns one line for a finding occurrence: time, type, resource and title.</summary>
    public static string Describe(Finding finding) =>
        $"{finding.Service.EventFirstSeen:yyyy-MM-dd HH:mm}Z `{finding.Type}` {string.Join('/', ScenarioScore.ResourceNames(finding).Take(2))}: {Contracts.Text.LogText.Escape(finding.Title)}";

    private static string Ratio(double? value) => value is { } number ? number.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
