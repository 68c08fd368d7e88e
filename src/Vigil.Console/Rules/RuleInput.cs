namespace Vigil.Console.Rules;

/// <summary>A rule file as a user enters it in the console editor or the REST API.</summary>
public sealed class RuleInput
{
    /// <summary>One or more Sigma rule documents.</summary>
    public string? Yaml { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>True to only count the matches of the file's rules, without raising findings.</summary>
    public bool DryRun { get; set; }

    /// <summary>The text of a log file (CloudTrail JSON, flow log or Resolver query log) the rules are tested against.</summary>
    public string? TestEvents { get; set; }
}

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
    bool Truncated);
