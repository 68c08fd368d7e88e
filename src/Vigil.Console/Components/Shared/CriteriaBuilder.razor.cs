using System.Globalization;
using Microsoft.AspNetCore.Components;
using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Console.Components.Shared;

/// <summary>
/// Edits finding criteria: rows of field, operator and values (one per line), with suggestions for the
/// field. The owner reads the result with <see cref="TryBuild"/>, which also shows the problems.
/// </summary>
public partial class CriteriaBuilder
{
    private static int _instances;

    private readonly string ListId = "vigil-finding-fields-" + Interlocked.Increment(ref _instances).ToString(CultureInfo.InvariantCulture);
    private List<Row> _rows = [];
    private IReadOnlyList<string> _errors = [];
    private FindingCriteria? _shown;

    /// <summary>The accessible name of the group, such as "Filter" or "Rule criteria".</summary>
    [Parameter]
    public string Label { get; set; } = "Criteria";

    /// <summary>The criteria to show; the rows are replaced whenever a different instance is passed.</summary>
    [Parameter]
    public FindingCriteria Criteria { get; set; } = FindingCriteria.Empty;

    private static IEnumerable<string> FieldSuggestions =>
        FindingFields.ColumnFields.Select(column => column.Path).Concat(FindingFields.SuggestedPaths);

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shown, Criteria))
        {
            _shown = Criteria;
            _rows = [.. Criteria.Criteria.Select(Row.From)];
            _errors = [];
        }
    }

    /// <summary>
    /// Returns the criteria of the rows without empty rows when they are valid; otherwise shows the
    /// problems and returns false.
    /// </summary>
    public bool TryBuild(out FindingCriteria criteria)
    {
        criteria = new FindingCriteria
        {
            Criteria = [.. _rows.Where(row => !row.IsEmpty).Select(row => row.ToCriterion())],
        };
        var valid = FindingCriteriaValidator.TryValidate(criteria, out _, out var errors);
        _errors = [.. errors.Select(error => error.ToString())];
        StateHasChanged();
        return valid;
    }

    /// <summary>Shows problems found elsewhere, such as by the store.</summary>
    public void ShowErrors(IReadOnlyList<string> errors)
    {
        _errors = errors;
        StateHasChanged();
    }

    private void Add() => _rows.Add(new Row());

    private void Remove(Row row) => _rows.Remove(row);

    internal static string OperatorLabel(CriterionOperator op) => op switch
    {
        CriterionOperator.Equals => "equals",
        CriterionOperator.NotEquals => "not equals",
        CriterionOperator.GreaterThan => "greater than",
        CriterionOperator.GreaterThanOrEqual => "greater than or equal",
        CriterionOperator.LessThan => "less than",
        CriterionOperator.LessThanOrEqual => "less than or equal",
        CriterionOperator.Matches => "matches wildcard (* ?)",
        CriterionOperator.NotMatches => "does not match wildcard",
        CriterionOperator.InCidr => "in CIDR",
        CriterionOperator.NotInCidr => "not in CIDR",
        CriterionOperator.MatchesRegex => "matches regular expression",
        _ => op.ToString(),
    };

    private sealed class Row
    {
        public string Field { get; set; } = string.Empty;

        public CriterionOperator Operator { get; set; } = CriterionOperator.Equals;

        public string Values { get; set; } = string.Empty;

        public bool IsEmpty => string.IsNullOrWhiteSpace(Field) && string.IsNullOrWhiteSpace(Values);

        public static Row From(FindingCriterion criterion) => new()
        {
            Field = criterion.Field,
            Operator = criterion.Operator,
            Values = string.Join('\n', criterion.Values),
        };

        public FindingCriterion ToCriterion() => new(
            Field.Trim(),
            Operator,
            [.. Values.ReplaceLineEndings("\n").Split('\n').Where(value => value.Length > 0)]);
    }
}
