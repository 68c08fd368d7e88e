using Vigil.Ingestion.ThreatLists;

namespace Vigil.Console.Lists;

/// <summary>The entries of a list's content that were not loaded, with their line numbers, read by parsing the content again.</summary>
internal static class InvalidLines
{
    public static InvalidLinesPage Page(string name, string format, string content, int offset, int limit)
    {
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, ListService.MaxInvalidLinesPage);
        if (!ThreatListParsers.TryParseStoredFormat(format, out var parsedFormat, out var options))
        {
            return new InvalidLinesPage(0, 0, offset, [new InvalidLineView(0, null, "", $"The list's format '{format}' is not one Vigil reads.")]);
        }

        ParsedList parsed;
        try
        {
            parsed = ThreatListParsers.Parse(parsedFormat, new StringReader(content), name, options);
        }
        catch (ArgumentException exception)
        {
            return new InvalidLinesPage(0, 0, offset, [new InvalidLineView(0, null, "", exception.Message)]);
        }

        var lines = parsed.Errors.Skip(offset).Take(limit).Select(InvalidLineView.From).ToList();
        return new InvalidLinesPage(parsed.RejectedCount, parsed.Errors.Count, offset, lines);
    }
}
