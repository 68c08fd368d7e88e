using System.Net;

namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// A criterion whose field resolved and whose values parsed for the field's type: text values as
/// given, LIKE patterns for Matches, numbers, UTC times, booleans or networks.
/// </summary>
public sealed record ValidatedCriterion(FindingField Field, CriterionOperator Operator, IReadOnlyList<string> Texts)
{
    public IReadOnlyList<double> Numbers { get; init; } = [];

    public IReadOnlyList<DateTime> Times { get; init; } = [];

    public bool Boolean { get; init; }

    public IReadOnlyList<IPNetwork> Networks { get; init; } = [];

    /// <summary>True for the operators that match when no value matches.</summary>
    public bool IsNegated => Operator is CriterionOperator.NotEquals or CriterionOperator.NotMatches or CriterionOperator.NotInCidr;
}

/// <summary>One problem with one criterion: its position in the set, its field and the reason.</summary>
public sealed record CriterionError(int Index, string Field, string Message)
{
    public override string ToString() => $"criterion {Index + 1} ({Field}): {Message}";
}
