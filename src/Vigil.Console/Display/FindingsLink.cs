using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Vigil.Console.Display;

/// <summary>
/// Builds links to the findings list narrowed by query string:
/// <c>findings?type=&amp;severity=&amp;resource=&amp;account=&amp;from=&amp;to=</c>. The findings page reads
/// the same names; docs/architecture.md describes the contract.
/// </summary>
internal sealed record FindingsLink
{
    /// <summary>The exact finding type.</summary>
    public string? Type { get; init; }

    /// <summary>A severity band: low, medium, high or critical.</summary>
    public SeverityLevel? Severity { get; init; }

    /// <summary>The resource label as the findings list shows it.</summary>
    public string? Resource { get; init; }

    /// <summary>The 12-digit AWS account id.</summary>
    public string? Account { get; init; }

    /// <summary>Findings whose last occurrence is at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Findings whose last occurrence is before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Returns the relative URL, with each value escaped.</summary>
    public string Href
    {
        get
        {
            var query = new List<KeyValuePair<string, string?>>();
            Add(query, "type", Type);
            Add(query, "severity", Severity?.ToString().ToLowerInvariant());
            Add(query, "resource", Resource);
            Add(query, "account", Account);
            Add(query, "from", From is { } from ? IsoTime(from) : null);
            Add(query, "to", To is { } to ? IsoTime(to) : null);
            return QueryHelpers.AddQueryString("findings", query);
        }
    }

    /// <summary>Formats a time as ISO 8601 UTC to the second, as the contract's <c>from</c> and <c>to</c> carry it.</summary>
    public static string IsoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Add(List<KeyValuePair<string, string?>> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add(new(name, value));
        }
    }
}
