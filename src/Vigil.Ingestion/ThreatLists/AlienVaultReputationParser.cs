using System.Globalization;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads the AlienVault IP reputation feed: one address a line with eight fields separated by
/// <c>#</c>, <c>ip#risk#reliability#activity#country#city#lat,lon#x</c>, for example
/// <c>198.51.100.7#4#2#Malicious Host#NL#Amsterdam#52.37,4.89#11</c>. Risk and reliability must be
/// whole numbers; the activity becomes the entry's description. Lines that start with <c>#</c> are
/// comments.
/// </summary>
internal static class AlienVaultReputationParser
{
    private const int FieldCount = 8;
    private const string Layout = "ip#risk#reliability#activity#country#city#lat,lon#x";

    public static ParsedList Parse(TextReader text, string listName, ListParserOptions options)
    {
        var collector = new ListEntryCollector(listName, options);
        var lines = new BoundedLineReader(text, options.MaxLineLength);
        while (!collector.IsFull && lines.TryReadLine(out var line, out var tooLong, out var length))
        {
            var lineNumber = lines.LineNumber;
            if (tooLong)
            {
                collector.AddError(lineNumber, line, $"the line is {length} characters long, more than the maximum of {lines.MaxLineLength}");
                continue;
            }

            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            var fields = trimmed.Split('#');
            if (fields.Length != FieldCount)
            {
                collector.AddError(lineNumber, trimmed, $"expected {FieldCount} fields separated by '#' ({Layout}), found {fields.Length}");
                continue;
            }

            if (!IsWholeNumber(fields[1]) || !IsWholeNumber(fields[2]))
            {
                collector.AddError(lineNumber, trimmed, $"risk '{fields[1]}' and reliability '{fields[2]}' must be whole numbers");
                continue;
            }

            var activity = fields[3].Trim();
            collector.Add(fields[0].Trim(), IndicatorKind.Address, lineNumber, activity.Length > 0 ? activity : null);
        }

        return collector.ToParsedList(ThreatListFormat.AlienVault);
    }

    private static bool IsWholeNumber(string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
