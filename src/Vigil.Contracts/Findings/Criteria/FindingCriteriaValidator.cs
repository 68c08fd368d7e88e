using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// Checks finding criteria against <see cref="FindingFields"/> and the limits of
/// <see cref="FindingCriteria"/>, and parses their values. Every problem is reported, not only the first.
/// </summary>
public static class FindingCriteriaValidator
{
    /// <summary>The match timeout given to regular expressions that .NET evaluates.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Validates the criteria; on success <paramref name="validated"/> has one entry per criterion.</summary>
    public static bool TryValidate(FindingCriteria? criteria, out IReadOnlyList<ValidatedCriterion> validated, out IReadOnlyList<CriterionError> errors)
    {
        var results = new List<ValidatedCriterion>();
        var problems = new List<CriterionError>();
        var list = criteria?.Criteria ?? [];
        if (list.Count > FindingCriteria.MaxCriteria)
        {
            problems.Add(new CriterionError(FindingCriteria.MaxCriteria, string.Empty, $"There are {list.Count} criteria; at most {FindingCriteria.MaxCriteria} are allowed."));
        }

        for (var index = 0; index < Math.Min(list.Count, FindingCriteria.MaxCriteria); index++)
        {
            var criterion = list[index];
            if (criterion is null)
            {
                problems.Add(new CriterionError(index, string.Empty, "The criterion is missing."));
                continue;
            }

            var result = Validate(index, criterion, problems);
            if (result is not null)
            {
                results.Add(result);
            }
        }

        validated = results;
        errors = problems;
        return problems.Count == 0;
    }

    /// <summary>Validates the criteria or throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static IReadOnlyList<ValidatedCriterion> ValidateOrThrow(FindingCriteria? criteria)
    {
        if (!TryValidate(criteria, out var validated, out var errors))
        {
            throw new ArgumentException("Invalid finding criteria: " + string.Join("; ", errors), nameof(criteria));
        }

        return validated;
    }

    private static ValidatedCriterion? Validate(int index, FindingCriterion criterion, List<CriterionError> problems)
    {
        var before = problems.Count;
        var fieldName = criterion.Field ?? string.Empty;
        if (!FindingFields.TryResolve(criterion.Field, out var field, out var fieldError))
        {
            problems.Add(new CriterionError(index, fieldName, fieldError));
            return null;
        }

        if (!FindingFields.OperatorsFor(field.Type).Contains(criterion.Operator))
        {
            problems.Add(new CriterionError(index, fieldName, $"The operator {criterion.Operator} does not apply to a {field.Type.ToString().ToLowerInvariant()} field; use one of {string.Join(", ", FindingFields.OperatorsFor(field.Type))}."));
            return null;
        }

        var values = criterion.Values ?? [];
        var maxValues = criterion.Operator switch
        {
            CriterionOperator.Matches or CriterionOperator.NotMatches or CriterionOperator.MatchesRegex => FindingCriteria.MaxPatterns,
            CriterionOperator.GreaterThan or CriterionOperator.GreaterThanOrEqual or CriterionOperator.LessThan or CriterionOperator.LessThanOrEqual => 1,
            _ => FindingCriteria.MaxValues,
        };
        if (values.Count == 0 || values.Count > maxValues)
        {
            problems.Add(new CriterionError(index, fieldName, $"{criterion.Operator} takes 1 to {maxValues} values; {values.Count} given."));
            return null;
        }

        for (var v = 0; v < values.Count; v++)
        {
            if (values[v] is null || values[v].Length > FindingCriteria.MaxValueLength)
            {
                problems.Add(new CriterionError(index, fieldName, $"Value {v + 1} is missing or longer than {FindingCriteria.MaxValueLength} characters."));
            }
        }

        if (problems.Count > before)
        {
            return null;
        }

        var result = criterion.Operator switch
        {
            CriterionOperator.Matches or CriterionOperator.NotMatches =>
                new ValidatedCriterion(field, criterion.Operator, values.Select(WildcardPattern.ToLike).ToList()),
            CriterionOperator.MatchesRegex => ValidateRegexes(index, field, values, problems),
            CriterionOperator.InCidr or CriterionOperator.NotInCidr => ValidateNetworks(index, field, criterion.Operator, values, problems),
            _ => ValidateComparison(index, field, criterion.Operator, values, problems),
        };
        return problems.Count > before ? null : result;
    }

    private static ValidatedCriterion ValidateComparison(int index, FindingField field, CriterionOperator op, IReadOnlyList<string> values, List<CriterionError> problems)
    {
        switch (field.Type)
        {
            case FindingFieldType.Number:
                var numbers = new List<double>();
                foreach (var value in values)
                {
                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                    {
                        numbers.Add(number);
                    }
                    else
                    {
                        problems.Add(new CriterionError(index, field.Path, $"'{value}' is not a number."));
                    }
                }

                return new ValidatedCriterion(field, op, values) { Numbers = numbers };

            case FindingFieldType.Timestamp:
                var times = new List<DateTime>();
                foreach (var value in values)
                {
                    if (TryParseTime(value, out var time))
                    {
                        times.Add(time);
                    }
                    else
                    {
                        problems.Add(new CriterionError(index, field.Path, $"'{value}' is not a time: give epoch milliseconds or an ISO-8601 time."));
                    }
                }

                return new ValidatedCriterion(field, op, values) { Times = times };

            case FindingFieldType.Boolean:
                var distinct = values.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (distinct.Count != 1 || !bool.TryParse(distinct[0], out var flag))
                {
                    problems.Add(new CriterionError(index, field.Path, "Give one value, true or false."));
                    return new ValidatedCriterion(field, op, values);
                }

                return new ValidatedCriterion(field, op, values) { Boolean = flag };

            default:
                return new ValidatedCriterion(field, op, values);
        }
    }

    private static ValidatedCriterion ValidateRegexes(int index, FindingField field, IReadOnlyList<string> values, List<CriterionError> problems)
    {
        foreach (var pattern in values)
        {
            if (pattern.Length > FindingCriteria.MaxRegexLength)
            {
                problems.Add(new CriterionError(index, field.Path, $"The regular expression is longer than {FindingCriteria.MaxRegexLength} characters."));
                continue;
            }

            try
            {
                _ = CreateRegex(pattern);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
            {
                problems.Add(new CriterionError(index, field.Path, $"'{pattern}' is not a usable regular expression: {exception.Message}"));
            }
        }

        return new ValidatedCriterion(field, CriterionOperator.MatchesRegex, values);
    }

    /// <summary>
    /// Compiles a pattern for evaluation in .NET: non-backtracking, so matching takes time linear in
    /// the input, with <see cref="RegexTimeout"/> on top. Throws for invalid patterns and for
    /// constructs the non-backtracking engine refuses (back-references, look-arounds, atomic groups).
    /// </summary>
    public static Regex CreateRegex(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexTimeout);

    private static ValidatedCriterion ValidateNetworks(int index, FindingField field, CriterionOperator op, IReadOnlyList<string> values, List<CriterionError> problems)
    {
        var networks = new List<IPNetwork>();
        foreach (var value in values)
        {
            var text = value.Trim();
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                problems.Add(new CriterionError(index, field.Path, $"'{value}' is not an address or a CIDR range with zero host bits, such as 203.0.113.0/24."));
            }
        }

        return new ValidatedCriterion(field, op, values) { Networks = networks };
    }

    private static bool TryParseTime(string value, out DateTime time)
    {
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds()
            && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime;
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed.UtcDateTime;
            return true;
        }

        time = default;
        return false;
    }
}
