using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// Evaluates validated criteria against one finding in memory, with the same meaning as the SQL the
/// PostgreSQL store compiles: criteria are ANDed, values ORed, document paths search arrays element
/// by element. Regular expressions run non-backtracking with a 100 ms timeout; a timed-out criterion
/// counts as not matching and is reported in <see cref="CriteriaEvaluation.TimedOut"/>.
/// </summary>
public static class FindingCriteriaEvaluator
{
    public static CriteriaEvaluation Evaluate(Finding finding, IReadOnlyList<ValidatedCriterion> criteria, FindingRowValues? row = null)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(criteria);
        JsonNode? document = null;
        var timedOut = new List<string>();
        var matched = true;
        foreach (var criterion in criteria)
        {
            var values = criterion.Field.Column is { } column
                ? ColumnValue(finding, column, row)
                : PathValues(document ??= JsonNode.Parse(FindingJson.Serialize(finding)), criterion.Field.Segments);
            bool? result = Matches(criterion, values);
            if (result is null)
            {
                timedOut.Add(criterion.Field.Path);
                result = false;
            }

            matched &= result.Value;
        }

        return new CriteriaEvaluation(matched && timedOut.Count == 0, timedOut);
    }

    // Returns null when a regular expression timed out.
    private static bool? Matches(ValidatedCriterion criterion, IReadOnlyList<object?> values)
    {
        var any = false;
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            var hit = MatchesOne(criterion, value);
            if (hit is null)
            {
                return null;
            }

            any |= hit.Value;
        }

        return criterion.IsNegated ? !any : any;
    }

    private static bool? MatchesOne(ValidatedCriterion criterion, object value)
    {
        var text = value switch
        {
            DateTimeOffset time => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        };
        switch (criterion.Operator)
        {
            case CriterionOperator.Equals or CriterionOperator.NotEquals:
                return criterion.Field.Type switch
                {
                    FindingFieldType.Number => value is double number && criterion.Numbers.Contains(number),
                    FindingFieldType.Boolean => value is bool flag && flag == criterion.Boolean,
                    _ => criterion.Texts.Contains(text, StringComparer.Ordinal),
                };
            case CriterionOperator.Matches or CriterionOperator.NotMatches:
                return criterion.Texts.Any(like => LikeMatches(text, like));
            case CriterionOperator.MatchesRegex:
                try
                {
                    return criterion.Texts.Any(pattern => FindingCriteriaValidator.CreateRegex(pattern).IsMatch(text));
                }
                catch (RegexMatchTimeoutException)
                {
                    return null;
                }

            case CriterionOperator.InCidr or CriterionOperator.NotInCidr:
                return IPAddress.TryParse(text, out var address) && criterion.Networks.Any(network => network.Contains(address));
            default:
                return Compare(criterion, value);
        }
    }

    private static bool Compare(ValidatedCriterion criterion, object value)
    {
        int comparison;
        if (value is DateTimeOffset time && criterion.Times.Count == 1)
        {
            comparison = time.UtcDateTime.CompareTo(criterion.Times[0]);
        }
        else if (value is double number && criterion.Numbers.Count == 1)
        {
            comparison = number.CompareTo(criterion.Numbers[0]);
        }
        else
        {
            return false;
        }

        return criterion.Operator switch
        {
            CriterionOperator.GreaterThan => comparison > 0,
            CriterionOperator.GreaterThanOrEqual => comparison >= 0,
            CriterionOperator.LessThan => comparison < 0,
            _ => comparison <= 0,
        };
    }

    // Matches SQL LIKE with '\' as the escape character. It only ever returns to the last '%', so it
    // takes at most text length times pattern length steps.
    private static bool LikeMatches(string text, string like)
    {
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < like.Length && like[p] == WildcardPattern.Escape && p + 1 < like.Length && like[p + 1] == text[t])
            {
                p += 2;
                t++;
            }
            else if (p < like.Length && like[p] != WildcardPattern.Escape && like[p] != '%' && (like[p] == '_' || like[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < like.Length && like[p] == '%')
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < like.Length && like[p] == '%')
        {
            p++;
        }

        return p == like.Length;
    }

    private static IReadOnlyList<object?> ColumnValue(Finding finding, string column, FindingRowValues? row) => column switch
    {
        "id" => [finding.Id],
        "type" => [finding.Type],
        "severity" => [finding.Severity],
        "account_id" => [finding.AccountId],
        "region" => [finding.Region],
        "title" => [finding.Title],
        "resource_type" => [finding.Resource.ResourceType],
        "count" => [(double)finding.Service.Count],
        "event_first_seen" => [finding.Service.EventFirstSeen],
        "event_last_seen" => [finding.Service.EventLastSeen],
        "archived" => [finding.Service.Archived],
        "user_feedback" => [finding.Service.UserFeedback],
        "created_at" => [finding.CreatedAt],
        "updated_at" => [finding.UpdatedAt],
        "resource_key" => [row?.ResourceKey],
        "resource_label" => [row?.ResourceLabel],
        "suppressed_by" => [row?.SuppressedBy?.ToString()],
        "remote_ip" => [RemoteIp(finding)],
        _ => [],
    };

    private static string? RemoteIp(Finding finding)
    {
        var details = finding.Service.Action.AwsApiCallAction?.RemoteIpDetails ?? finding.Service.Action.NetworkConnectionAction?.RemoteIpDetails;
        var text = details?.IpAddressV4 ?? details?.IpAddressV6;
        return text is not null && IPAddress.TryParse(text, out var address) ? address.ToString() : null;
    }

    private static List<object?> PathValues(JsonNode? node, IReadOnlyList<string> segments)
    {
        var current = new List<JsonNode?> { node };
        foreach (var segment in segments)
        {
            var next = new List<JsonNode?>();
            foreach (var item in current.SelectMany(Unwrap))
            {
                if (item is JsonObject obj && obj.TryGetPropertyValue(segment, out var child))
                {
                    next.Add(child);
                }
            }

            current = next;
        }

        return [.. current.SelectMany(Unwrap).Select(Scalar)];
    }

    private static IEnumerable<JsonNode?> Unwrap(JsonNode? node) => node is JsonArray array ? array : new[] { node };

    private static object? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => value.GetValue<double>(),
            System.Text.Json.JsonValueKind.True => true,
            System.Text.Json.JsonValueKind.False => false,
            System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            _ => null,
        }
        : null;
}

/// <summary>The stored values of a finding row that are not part of its document.</summary>
public sealed record FindingRowValues(string? ResourceKey, string? ResourceLabel, Guid? SuppressedBy);

/// <summary>Whether the finding matched, and the fields whose regular expressions timed out.</summary>
public sealed record CriteriaEvaluation(bool Matched, IReadOnlyList<string> TimedOut);
