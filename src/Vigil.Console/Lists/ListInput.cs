using System.Text.RegularExpressions;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Console.Lists;

/// <summary>The fields of a new tenant list or a new content, from the console's dialog or the API.</summary>
public sealed record ListInput
{
    public string? Name { get; init; }

    /// <summary>txt, stix, otxcsv, alienvault, proofpoint, fireeye or csv:COLUMN; GuardDuty's upper-case names work too.</summary>
    public string? Format { get; init; }

    /// <summary>threat or trusted.</summary>
    public string? Kind { get; init; }

    /// <summary>False stores the list without using it.</summary>
    public bool Activate { get; init; } = true;

    /// <summary>For a list read from S3: its <c>s3://bucket/key</c> address.</summary>
    public string? Url { get; init; }

    /// <summary>For a list read from S3: minutes between fetches; null for the default.</summary>
    public int? RefreshMinutes { get; init; }
}

/// <summary>Checks <see cref="ListInput"/> fields and names each problem by its field.</summary>
public static partial class ListInputValidator
{
    public const int MaxNameLength = 128;

    /// <summary>
    /// Returns the problems of the fields, keyed by the camel-case field name; empty when they are valid.
    /// On success, <paramref name="storedFormat"/> is the format as the store keeps it.
    /// </summary>
    public static Dictionary<string, string[]> Validate(ListInput input, bool fromS3, out string storedFormat)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        storedFormat = "";
        if (!IsValidName(input.Name))
        {
            errors["name"] = [$"A list name is required: 1 to {MaxNameLength} letters, digits, dots, hyphens and underscores."];
        }

        if (!TryNormalizeFormat(input.Format, out storedFormat))
        {
            errors["format"] = ["Choose a format: txt, stix, otxcsv, alienvault, proofpoint, fireeye, or csv:COLUMN with the name of the column that holds the entries."];
        }

        if (input.Kind is not ("threat" or "trusted"))
        {
            errors["kind"] = ["Choose threat or trusted."];
        }

        if (fromS3)
        {
            if (!S3ListUrl.TryParse(input.Url, out _, out var urlError))
            {
                errors["url"] = [urlError];
            }

            if (input.RefreshMinutes is { } minutes && (minutes < ListOptions.MinRefreshMinutes || minutes > ListOptions.MaxRefreshMinutes))
            {
                errors["refreshMinutes"] = [$"{minutes} is out of range; use {ListOptions.MinRefreshMinutes} to {ListOptions.MaxRefreshMinutes} minutes."];
            }
        }

        return errors;
    }

    /// <summary>True for a name the console and the API accept for a new list.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Reads a format name as the store keeps it: GuardDuty's names become Vigil's, and csv keeps its column.</summary>
    public static bool TryNormalizeFormat(string? format, out string stored)
    {
        stored = "";
        if (string.IsNullOrWhiteSpace(format) || format.Length > 200 || !ThreatListParsers.TryParseStoredFormat(format.Trim(), out _, out _))
        {
            return false;
        }

        var trimmed = format.Trim();
        stored = trimmed.StartsWith("csv:", StringComparison.OrdinalIgnoreCase) ? "csv:" + trimmed[4..] : trimmed.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal);
        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();
}
