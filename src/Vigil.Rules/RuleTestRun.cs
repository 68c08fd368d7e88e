using System.Text;

namespace Vigil.Rules;

/// <summary>
/// How one rule of a file fared in a test run: the findings it raised over the events it must match,
/// and over the events it must not match. It passes when it raised at least one finding over the
/// first and none over the second. A side without events is not checked.
/// </summary>
public sealed record RuleTestOutcome(string RuleKey, string Title, long MatchingFindings, long NonMatchingFindings, bool HasMatchingEvents, bool HasNonMatchingEvents)
{
    public bool Passed => (!HasMatchingEvents || MatchingFindings > 0) && NonMatchingFindings == 0;
}

/// <summary>The outcome of a test run: the check of each rule, and the trials over the two sets of test events.</summary>
public sealed record RuleTestRunResult(IReadOnlyList<RuleTestOutcome> Outcomes, RuleTrialResult Matching, RuleTrialResult NonMatching)
{
    /// <summary>True when every rule passed and there was at least one test event to check.</summary>
    public bool Passed => Outcomes.Count > 0 && Outcomes.All(outcome => outcome.Passed) && Outcomes.Any(outcome => outcome.HasMatchingEvents || outcome.HasNonMatchingEvents);
}

/// <summary>
/// Runs the rules of one file over its test events and checks them: every rule of the file that
/// raises findings (detection rules that only feed a correlation without <c>generate</c> do not) must
/// raise at least one over the events it must match, and none over the events it must not match.
/// Findings are attributed to rules by their <c>ruleKey</c>.
/// </summary>
public static class RuleTestRun
{
    /// <param name="ruleSet">The file's rules with the rules of other files its correlations refer to, as <see cref="RuleSet.Restrict"/> returns them.</param>
    public static async Task<RuleTestRunResult> RunAsync(RuleSet ruleSet, string fileName, string tenantId, string? matchingEvents, string? nonMatchingEvents, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        var matching = await TrialAsync(ruleSet, tenantId, matchingEvents, "test events", clock, cancellationToken);
        var nonMatching = await TrialAsync(ruleSet, tenantId, nonMatchingEvents, "test events that must not match", clock, cancellationToken);

        var checkedRules = ruleSet.Rules.Where(rule => rule.Header.Source == fileName && rule.RaisesFindings).Select(rule => rule.Header)
            .Concat(ruleSet.Correlations.Where(correlation => correlation.Header.Source == fileName).Select(correlation => correlation.Header));
        var outcomes = checkedRules
            .Select(header => new RuleTestOutcome(
                header.Key,
                header.Title,
                FindingsOf(matching, header.Key),
                FindingsOf(nonMatching, header.Key),
                !string.IsNullOrWhiteSpace(matchingEvents),
                !string.IsNullOrWhiteSpace(nonMatchingEvents)))
            .ToList();
        return new RuleTestRunResult(outcomes, matching, nonMatching);
    }

    private static async Task<RuleTrialResult> TrialAsync(RuleSet ruleSet, string tenantId, string? events, string name, TimeProvider clock, CancellationToken cancellationToken)
    {
        var trial = new RuleTrial(ruleSet, tenantId, clock);
        if (!string.IsNullOrWhiteSpace(events))
        {
            await using var content = new MemoryStream(Encoding.UTF8.GetBytes(events));
            await trial.AddObjectAsync(content, name, cancellationToken);
        }

        return trial.Result();
    }

    private static long FindingsOf(RuleTrialResult result, string ruleKey) =>
        result.Matches.Where(match => match.Finding.Service.AdditionalInfo?.GetValueOrDefault("ruleKey") == ruleKey).Sum(match => match.Finding.Service.Count);
}
