namespace Vigil.Console.Rules;

/// <summary>A rule file as a user enters it in the console editor or the REST API.</summary>
public sealed class RuleInput
{
    /// <summary>One or more Sigma rule documents.</summary>
    public string? Yaml { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>True to only count the matches of the file's rules, without raising findings.</summary>
    public bool DryRun { get; set; }

    /// <summary>The text of a log file (CloudTrail JSON, flow log or Resolver query log) whose records the rules must match.</summary>
    public string? TestEvents { get; set; }

    /// <summary>The text of a log file whose records none of the rules may match.</summary>
    public string? TestEventsNoMatch { get; set; }
}

/// <summary>The check of one rule in a test run: findings over the events it must match and over those it must not, and whether it passed.</summary>
public sealed record RuleCheckView(string RuleKey, string Title, long MatchingFindings, long NonMatchingFindings, bool Passed);

/// <summary>How far a back-test is: objects listed and read, records read, and the object being read.</summary>
public sealed record RuleBackTestProgress(int ObjectsListed, long ObjectsRead, long RecordsRead, string? CurrentObject);

/// <summary>Dry-run matches of one rule in one hour (UTC), as counted by the silos.</summary>
public sealed record RuleDryRunCountView(string RuleFile, string RuleKey, DateTimeOffset Hour, long Matches);

/// <summary>Dry-run matches of one rule file's rules over the last 24 hours and the last 7 days.</summary>
public sealed record RuleDryRunSummary(long Last24Hours, long Last7Days);

/// <summary>A diagnostic as the console and the API show it: severity, 1-based line and column, field and reason.</summary>
public sealed record RuleMessage(string Severity, int Line, int Column, string Field, string Message)
{
    public override string ToString() => $"{Line}:{Column}: {Severity}: {(Field.Length > 0 ? Field + ": " : "")}{Message}";
}

/// <summary>One finding a trial raised: the rule, the finding type, severity, principal or endpoint, count and event times.</summary>
public sealed record RuleMatchView(string Rule, string FindingType, double Severity, string Object, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string Title);

/// <summary>The outcome of a test run or back-test: the diagnostics, the matches, what was read and whether a limit cut it short.</summary>
public sealed record RuleTrialView(
    IReadOnlyList<RuleMessage> Messages,
    IReadOnlyList<RuleMatchView> Matches,
    long ObjectsRead,
    long RecordsRead,
    IReadOnlyList<string> ReadErrors,
    bool Truncated)
{
    /// <summary>The check of each rule in a test run; empty for a back-test.</summary>
    public IReadOnlyList<RuleCheckView> Checks { get; init; } = [];

    /// <summary>True when a test run checked at least one rule and every rule passed.</summary>
    public bool ChecksPassed => Checks.Count > 0 && Checks.All(check => check.Passed);
}
