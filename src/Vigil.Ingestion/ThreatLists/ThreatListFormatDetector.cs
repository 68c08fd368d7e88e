namespace Vigil.Ingestion.ThreatLists;

/// <summary>Recognises a list format from the first lines of a file; see <see cref="ThreatListParsers.TryDetectFormat"/>.</summary>
internal static class ThreatListFormatDetector
{
    /// <summary>The number of data lines looked at.</summary>
    private const int SampleLines = 20;

    public static bool TryDetect(ReadOnlySpan<char> start, out ThreatListFormat format)
    {
        format = ThreatListFormat.Txt;
        var text = start.TrimStart('\uFEFF').TrimStart();
        if (text.IsEmpty)
        {
            return false;
        }

        if (text[0] == '<')
        {
            // XML, such as a STIX 1.x package, which is not supported.
            return false;
        }

        if (text[0] == '{')
        {
            format = ThreatListFormat.Stix;
            return text.Contains("\"objects\"", StringComparison.Ordinal);
        }

        var lines = DataLines(text);
        if (lines.Count == 0)
        {
            return false;
        }

        var header = lines[0].Replace("\"", "", StringComparison.Ordinal);
        if (header.StartsWith("Indicator type,Indicator", StringComparison.OrdinalIgnoreCase))
        {
            format = ThreatListFormat.OtxCsv;
            return true;
        }

        var headerNames = header.Split(',').Select(name => name.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (headerNames.Contains("reportId") && (headerNames.Contains("ThreatScape") || headerNames.Contains("networkIdentifier") || headerNames.Contains("sourceIp")))
        {
            format = ThreatListFormat.FireEye;
            return true;
        }

        // Every AlienVault line has fields separated by '#', which a plain list has only in comments.
        // A few malformed lines must not hide the layout, so one complete line is enough.
        if (lines.All(line => line.Split('#').Length >= 3) && lines.Any(IsAlienVaultLine))
        {
            format = ThreatListFormat.AlienVault;
            return true;
        }

        var hasReputationHeader = headerNames.Contains("category") && headerNames.Contains("score") && (headerNames.Contains("ip") || headerNames.Contains("domain"));
        if (hasReputationHeader || lines.All(IsReputationRow))
        {
            format = ThreatListFormat.ProofPoint;
            return true;
        }

        if (lines.All(line => !line.Contains(',', StringComparison.Ordinal) && !line.Contains(' ', StringComparison.Ordinal) && !line.Contains('\t', StringComparison.Ordinal)))
        {
            format = ThreatListFormat.Txt;
            return true;
        }

        return false;
    }

    /// <summary>The first lines that are neither blank nor comments, with trailing comments removed.</summary>
    private static List<string> DataLines(ReadOnlySpan<char> text)
    {
        var lines = new List<string>();
        var reachedEnd = true;
        foreach (var range in text.SplitAny('\r', '\n'))
        {
            if (lines.Count == SampleLines)
            {
                reachedEnd = false;
                break;
            }

            var line = text[range].Trim();
            if (!line.IsEmpty && line[0] != '#')
            {
                lines.Add(line.ToString());
            }
        }

        // A sample that ends inside a line may have cut that line short, so it is dropped unless it is
        // the only one.
        if (reachedEnd && lines.Count > 1 && !text.EndsWith("\n") && !text.EndsWith("\r"))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return [.. lines.Select(StripTrailingComment).Where(line => line.Length > 0)];
    }

    private static string StripTrailingComment(string line)
    {
        // A '#' with a space before it starts a comment in a plain list; AlienVault lines use '#'
        // between fields, with no space before it.
        var comment = line.IndexOf(" #", StringComparison.Ordinal);
        return comment >= 0 ? line[..comment].TrimEnd() : line;
    }

    private static bool IsAlienVaultLine(string line)
    {
        var fields = line.Split('#');
        return fields.Length == 8 && PlainTextListParser.TryParseAddress(fields[0].Trim(), out _) && IsWholeNumber(fields[1]) && IsWholeNumber(fields[2]);
    }

    private static bool IsReputationRow(string line)
    {
        var fields = line.Split(',');
        return fields.Length >= 3 && IsWholeNumber(fields[1]) && IsWholeNumber(fields[2]);
    }

    private static bool IsWholeNumber(string text)
    {
        var trimmed = text.AsSpan().Trim();
        return !trimmed.IsEmpty && !trimmed.ContainsAnyExceptInRange('0', '9');
    }
}
