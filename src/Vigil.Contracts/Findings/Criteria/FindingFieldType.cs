namespace Vigil.Contracts.Findings.Criteria;

/// <summary>How the values of a finding field compare, which decides the operators it takes.</summary>
public enum FindingFieldType
{
    /// <summary>Equals, NotEquals, Matches, NotMatches and MatchesRegex, compared case-sensitively.</summary>
    Text,

    /// <summary>Equals, NotEquals and the ordering operators, on decimal numbers.</summary>
    Number,

    /// <summary>The ordering operators, on epoch milliseconds (as GuardDuty takes them) or ISO-8601 text.</summary>
    Timestamp,

    /// <summary>Equals and NotEquals with <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>The text operators plus InCidr and NotInCidr.</summary>
    IpAddress,
}
