using System.Globalization;
using System.Text;
using NpgsqlTypes;
using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Storage;

/// <summary>
/// Compiles validated finding criteria into a SQL condition on the <c>findings</c> row alias <c>f</c>.
/// Column names come from <see cref="FindingFields"/>, never from input; every value, pattern and
/// document path is a parameter. Wildcards become LIKE patterns, which match in linear time; regular
/// expressions use PostgreSQL's <c>~</c>, and callers bound the statement with a command timeout.
/// </summary>
internal static class FindingCriteriaSql
{
    /// <summary>Returns the condition, <c>TRUE</c> for no criteria.</summary>
    public static string Compile(IReadOnlyList<ValidatedCriterion> criteria, SqlParameterList parameters)
    {
        if (criteria.Count == 0)
        {
            return "TRUE";
        }

        return string.Join(" AND ", criteria.Select(criterion => "(" + CompileOne(criterion, parameters) + ")"));
    }

    /// <summary>Validates and compiles; throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static string Compile(FindingCriteria criteria, SqlParameterList parameters) =>
        Compile(FindingCriteriaValidator.ValidateOrThrow(criteria), parameters);

    /// <summary>
    /// True when a criterion is equality on a document path that compiles to containment. PostgreSQL
    /// estimates every containment as matching 0.1% of the rows, so with ORDER BY ... LIMIT it may walk
    /// the sort index and test each row instead of asking the GIN index; for a rare value that reads
    /// the whole tenant. Callers then filter first and sort the matches (see <see cref="PostgresFindingStore"/>).
    /// </summary>
    public static bool UsesDocumentIndex(IReadOnlyList<ValidatedCriterion> criteria) =>
        criteria.Any(criterion => criterion.Field.Column is null
            && criterion.Operator == CriterionOperator.Equals
            && criterion.Texts.All(value => FindingDocumentShape.Containment(criterion.Field.Segments, value) is not null));

    private static string CompileOne(ValidatedCriterion criterion, SqlParameterList parameters) =>
        criterion.Field.Column is { } column
            ? ColumnCondition(criterion, ColumnExpression(column), parameters)
            : DocumentCondition(criterion, parameters);

    private static string ColumnExpression(string column) => column switch
    {
        "suppressed_by" => "f.suppressed_by::text",
        // host() gives the address without a prefix length, for Equals and Matches on the text.
        "remote_ip" => "host(f.remote_ip)",
        _ => "f." + column,
    };

    private static string ColumnCondition(ValidatedCriterion criterion, string column, SqlParameterList parameters)
    {
        var positive = Predicate(criterion, column, isJson: false, parameters);
        if (!criterion.IsNegated)
        {
            return positive;
        }

        // GuardDuty's NotEquals matches findings that lack the field, so a null column matches too.
        return criterion.Field.Nullable ? $"{column} IS NULL OR NOT ({positive})" : $"NOT ({positive})";
    }

    private static string DocumentCondition(ValidatedCriterion criterion, SqlParameterList parameters)
    {
        // Equality on a path of the typed contract becomes JSON containment, which the GIN index on
        // document answers without reading every row.
        if (criterion.Operator is CriterionOperator.Equals or CriterionOperator.NotEquals
            && criterion.Texts.Select(value => FindingDocumentShape.Containment(criterion.Field.Segments, value)).ToList() is var documents
            && documents.All(document => document is not null))
        {
            var any = string.Join(" OR ", documents.Select(document => $"f.document @> {parameters.Add(document!, NpgsqlDbType.Jsonb)}"));
            return criterion.IsNegated ? $"NOT ({any})" : any;
        }

        // lax mode searches arrays met on the way, and the trailing [*] also searches an array leaf.
        var path = new StringBuilder("lax $");
        foreach (var segment in criterion.Field.Segments)
        {
            path.Append(".\"").Append(segment).Append('"');
        }

        path.Append("[*]");
        var pathParameter = parameters.Add(path.ToString());
        var predicate = Predicate(criterion, "(v.j #>> '{}')", isJson: true, parameters);
        var exists = $"EXISTS (SELECT 1 FROM jsonb_path_query(f.document, {pathParameter}::jsonpath) AS v(j) WHERE {predicate})";
        return criterion.IsNegated ? "NOT " + exists : exists;
    }

    // The condition for a positive match of one value. For documents, `value` is the element as text
    // and v.j the element as jsonb.
    private static string Predicate(ValidatedCriterion criterion, string value, bool isJson, SqlParameterList parameters)
    {
        switch (criterion.Operator)
        {
            case CriterionOperator.Matches or CriterionOperator.NotMatches:
                return $"{value} LIKE ANY({parameters.Add(criterion.Texts.ToArray())})";
            case CriterionOperator.MatchesRegex:
                return $"{value} ~ ANY({parameters.Add(criterion.Texts.ToArray())})";
            case CriterionOperator.InCidr or CriterionOperator.NotInCidr:
                var networks = criterion.Networks.Select(network => network.ToString()).ToArray();
                if (criterion.Field.Column == "remote_ip")
                {
                    // One range per network, so the B-tree on remote_ip serves each.
                    return string.Join(" OR ", networks.Select(network => $"f.remote_ip <<= {parameters.Add(network)}::cidr"));
                }

                return $"vigil_try_inet({value}) <<= ANY({parameters.Add(networks)}::cidr[])";
        }

        var number = isJson ? "(v.j)::float8" : value;
        var numberGuard = isJson ? "jsonb_typeof(v.j) = 'number' AND " : string.Empty;
        if (criterion.Operator is CriterionOperator.Equals or CriterionOperator.NotEquals)
        {
            return criterion.Field.Type switch
            {
                FindingFieldType.Number => $"{numberGuard}{number} = ANY({parameters.Add(criterion.Numbers.ToArray())})",
                FindingFieldType.Boolean when !isJson => $"{value} = {parameters.Add(criterion.Boolean)}",
                FindingFieldType.Boolean => $"{value} = {parameters.Add(criterion.Boolean ? "true" : "false")}",
                // One value compares with '=' so the planner can use a (tenant, column, ...) index for order too.
                _ when criterion.Texts.Count == 1 => $"{value} = {parameters.Add(criterion.Texts[0])}",
                _ => $"{value} = ANY({parameters.Add(criterion.Texts.ToArray())})",
            };
        }

        var comparison = criterion.Operator switch
        {
            CriterionOperator.GreaterThan => ">",
            CriterionOperator.GreaterThanOrEqual => ">=",
            CriterionOperator.LessThan => "<",
            CriterionOperator.LessThanOrEqual => "<=",
            _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion.Operator, "Unknown criterion operator."),
        };
        return criterion.Field.Type == FindingFieldType.Timestamp
            ? $"{value} {comparison} {parameters.Add(criterion.Times[0], NpgsqlDbType.TimestampTz)}"
            : $"{numberGuard}{number} {comparison} {parameters.Add(criterion.Numbers[0])}";
    }

    /// <summary>Formats a value for the keyset cursor of a sort column.</summary>
    public static string FormatCursorValue(object value) => value switch
    {
        DateTime time => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        long number => number.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
