using System.Text.RegularExpressions;

namespace Vigil.Deployment.Tests.Support;

/// <summary>Finds the metric names in PromQL expressions and Grafana variable queries.</summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan",
    };

    /// <summary>
    /// Returns the metric names an expression selects. It removes label matchers, ranges, strings,
    /// grouping clauses, function names and keywords, so the identifiers left are metrics.
    /// </summary>
    public static IReadOnlyList<string> MetricNames(string expression)
    {
        var text = StringLiteral().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeSelector().Replace(text, " ");
        text = GroupingClause().Replace(text, " ");

        var names = new List<string>();
        foreach (Match match in Identifier().Matches(text))
        {
            var rest = text[(match.Index + match.Length)..].TrimStart();
            var isFunction = rest.StartsWith('(');
            var isVariable = match.Index > 0 && text[match.Index - 1] == '$';
            if (!isFunction && !isVariable && !Keywords.Contains(match.Value))
            {
                names.Add(match.Value);
            }
        }

        return names;
    }

    /// <summary>
    /// Returns the metric names of a Grafana Prometheus variable query: the selector of
    /// <c>label_values(selector, label)</c>, or the expression of <c>query_result(...)</c>.
    /// </summary>
    public static IReadOnlyList<string> VariableQueryMetricNames(string query)
    {
        var labelValues = LabelValues().Match(query.Trim());
        if (labelValues.Success)
        {
            return MetricNames(labelValues.Groups["selector"].Value);
        }

        var queryResult = QueryResult().Match(query.Trim());
        return queryResult.Success ? MetricNames(queryResult.Groups["expression"].Value) : MetricNames(query);
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex GroupingClause();

    [GeneratedRegex(@"[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"^query_result\((?<expression>.+)\)$")]
    private static partial Regex QueryResult();
}
