namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// The comparison of one finding criterion, as in GuardDuty's <c>Condition</c>, plus CIDR and regular
/// expression matching. Values of one criterion are ORed; for the negated operators a finding matches
/// when none of the values matches.
/// </summary>
public enum CriterionOperator
{
    Equals,
    NotEquals,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,

    /// <summary>Wildcard match: <c>*</c> is any run of characters, <c>?</c> one character, the rest is literal.</summary>
    Matches,

    /// <summary>No value matches as a wildcard pattern.</summary>
    NotMatches,

    /// <summary>The address is inside one of the CIDR ranges (or equal to one of the addresses).</summary>
    InCidr,

    /// <summary>The address is inside none of the CIDR ranges.</summary>
    NotInCidr,

    /// <summary>
    /// A regular expression search. Patterns must compile with <c>RegexOptions.NonBacktracking</c>,
    /// which refuses back-references and look-arounds, the constructs that can make matching take
    /// exponential time.
    /// </summary>
    MatchesRegex,
}
