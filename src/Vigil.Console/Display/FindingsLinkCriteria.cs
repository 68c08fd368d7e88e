using System.Globalization;
using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Console.Display;

/// <summary>
/// Reads the query string that <see cref="FindingsLink"/> writes (<c>type</c>, <c>severity</c>,
/// <c>resource</c>, <c>account</c>, <c>from</c>, <c>to</c>) back into finding criteria, so a link from
/// the overview opens the findings list narrowed the same way.
/// </summary>
internal static class FindingsLinkCriteria
{
    /// <summary>
    /// Returns the criteria of the values that are set, and the names of those that were invalid and
    /// left out. Returns null criteria when no value is set.
    /// </summary>
    public static (FindingCriteria? Criteria, IReadOnlyList<string> Invalid) FromQuery(
        string? type, string? severity, string? resource, string? account, string? from, string? to)
    {
        var criteria = FindingCriteria.Empty;
        var invalid = new List<string>();
        var any = false;

        if (!string.IsNullOrWhiteSpace(type))
        {
            criteria = criteria.With(new FindingCriterion("type", CriterionOperator.Equals, [type.Trim()]));
            any = true;
        }

        if (!string.IsNullOrWhiteSpace(severity))
        {
            any = true;
            if (Enum.TryParse<SeverityLevel>(severity, ignoreCase: true, out var level) && Enum.IsDefined(level))
            {
                var (lowest, below) = Band(level);
                criteria = criteria.With(new FindingCriterion("severity", CriterionOperator.GreaterThanOrEqual, [Number(lowest)]));
                criteria = criteria.With(new FindingCriterion("severity", CriterionOperator.LessThan, [Number(below)]));
            }
            else
            {
                invalid.Add("severity");
            }
        }

        if (!string.IsNullOrWhiteSpace(resource))
        {
            criteria = criteria.With(new FindingCriterion(FindingFields.ResourceLabel, CriterionOperator.Equals, [resource]));
            any = true;
        }

        if (!string.IsNullOrWhiteSpace(account))
        {
            criteria = criteria.With(new FindingCriterion("accountId", CriterionOperator.Equals, [account.Trim()]));
            any = true;
        }

        criteria = AddTime(criteria, from, CriterionOperator.GreaterThanOrEqual, "from", invalid, ref any);
        criteria = AddTime(criteria, to, CriterionOperator.LessThan, "to", invalid, ref any);
        return (any ? criteria : null, invalid);
    }

    /// <summary>Returns the band's lowest score and the score just above it; 10.1 closes the critical band, whose top score is 10.</summary>
    private static (double Lowest, double Below) Band(SeverityLevel level) => level switch
    {
        SeverityLevel.Low => (1.0, 4.0),
        SeverityLevel.Medium => (4.0, 7.0),
        SeverityLevel.High => (7.0, 9.0),
        _ => (9.0, 10.1),
    };

    private static FindingCriteria AddTime(FindingCriteria criteria, string? text, CriterionOperator comparison, string name, List<string> invalid, ref bool any)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return criteria;
        }

        any = true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            invalid.Add(name);
            return criteria;
        }

        return criteria.With(new FindingCriterion("service.eventLastSeen", comparison, [FindingsLink.IsoTime(time)]));
    }

    private static string Number(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
