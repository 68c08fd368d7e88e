namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// A set of finding criteria, ANDed together as GuardDuty's <c>FindingCriteria</c> are. An empty set
/// matches every finding.
/// </summary>
public sealed record FindingCriteria
{
    /// <summary>The most criteria in one set (GuardDuty's limit is 50 attributes per filter).</summary>
    public const int MaxCriteria = 50;

    /// <summary>The most values of one criterion (GuardDuty's limit for Equals and NotEquals).</summary>
    public const int MaxValues = 50;

    /// <summary>The most wildcard or regular expression patterns of one criterion (GuardDuty allows 5 for Matches).</summary>
    public const int MaxPatterns = 5;

    /// <summary>The longest value, in characters.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>The longest regular expression pattern, in characters.</summary>
    public const int MaxRegexLength = 256;

    public static FindingCriteria Empty { get; } = new();

    public IReadOnlyList<FindingCriterion> Criteria { get; init; } = [];

    /// <summary>Returns a copy with one more criterion.</summary>
    public FindingCriteria With(FindingCriterion criterion) => new() { Criteria = [.. Criteria, criterion] };

    public override string ToString() => string.Join(" AND ", Criteria.Select(c => $"{c.Field} {c.Operator} [{string.Join(", ", c.Values)}]"));
}
