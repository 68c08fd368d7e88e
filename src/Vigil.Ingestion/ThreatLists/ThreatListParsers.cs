using System.Text;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Parses threat and trusted lists in every supported format into a <see cref="ParsedList"/>. Each
/// parser reports an entry it cannot load with its line (and, in a STIX bundle, the index of its
/// object) and the reason, and goes on with the next one. All formats apply the same rules to values:
/// strict address text, the minimum prefix lengths, domains checked label by label, URLs reduced to
/// their host, and a port after an address or domain kept on the entry.
/// </summary>
public static class ThreatListParsers
{
    /// <summary>Parses a list read as text.</summary>
    /// <exception cref="ArgumentException">The format is <see cref="ThreatListFormat.Csv"/> and <paramref name="options"/> chooses no column, or chooses it by name without a header.</exception>
    public static ParsedList Parse(ThreatListFormat format, TextReader text, string listName, ListParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= ListParserOptions.Default;
        return format switch
        {
            ThreatListFormat.Txt => new PlainTextListParser(options).Parse(text, listName),
            ThreatListFormat.Stix => StixBundleParser.Parse(text, listName, options),
            ThreatListFormat.OtxCsv => OtxCsvParser.Parse(text, listName, options),
            ThreatListFormat.AlienVault => AlienVaultReputationParser.Parse(text, listName, options),
            ThreatListFormat.ProofPoint => ProofPointParser.Parse(text, listName, options),
            ThreatListFormat.FireEye => FireEyeIsightParser.Parse(text, listName, options),
            ThreatListFormat.Csv => ColumnCsvParser.Parse(text, listName, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown threat list format."),
        };
    }

    /// <summary>
    /// Parses a list read from a stream. Text is decoded as UTF-8 unless a byte-order mark names UTF-16
    /// or UTF-32. The stream is left open.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Parse(ThreatListFormat, TextReader, string, ListParserOptions?)"/>.</exception>
    public static ParsedList Parse(ThreatListFormat format, Stream stream, string listName, ListParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (format == ThreatListFormat.Stix)
        {
            return StixBundleParser.Parse(stream, listName, options ?? ListParserOptions.Default);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Parse(format, reader, listName, options);
    }

    /// <summary>
    /// Reads a format name as GuardDuty's API writes it (<c>TXT</c>, <c>STIX</c>, <c>OTX_CSV</c>,
    /// <c>ALIEN_VAULT</c>, <c>PROOF_POINT</c>, <c>FIRE_EYE</c>) or as the enum member is called, in any case;
    /// <c>CSV</c> is Vigil's column CSV.
    /// </summary>
    public static bool TryParseFormatName(string? name, out ThreatListFormat format)
    {
        var key = name?.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return Enum.TryParse(key, ignoreCase: true, out format) && Enum.IsDefined(format) && !int.TryParse(key, out _);
    }

    /// <summary>
    /// Reads a format as the database and the CLI write it: a format name for
    /// <see cref="TryParseFormatName"/>, or <c>csv:COLUMN</c> for a CSV whose named column contains the
    /// entries. Returns the parser options the format needs (null for the defaults).
    /// </summary>
    public static bool TryParseStoredFormat(string? text, out ThreatListFormat format, out ListParserOptions? options)
    {
        options = null;
        if (text is not null && text.StartsWith("csv:", StringComparison.OrdinalIgnoreCase))
        {
            var column = text[4..];
            format = ThreatListFormat.Csv;
            if (string.IsNullOrWhiteSpace(column))
            {
                return false;
            }

            options = new ListParserOptions { CsvColumn = CsvColumn.Named(column) };
            return true;
        }

        return TryParseFormatName(text, out format) && format != ThreatListFormat.Csv;
    }

    /// <summary>
    /// Tells the format from the start of a list when only one format fits. That is the case for a STIX
    /// bundle, an OTX export with its header, AlienVault reputation lines, an iSIGHT export with its
    /// header, an ET IQRisk CSV and a plain list of one value a line. A CSV of another layout is not
    /// detected, because the column with the entries has to be chosen. The Proofpoint ET block list is
    /// a plain list and is detected as <see cref="ThreatListFormat.Txt"/>, which reads it the same way.
    /// </summary>
    /// <param name="start">The start of the file; the first 64 KiB are plenty.</param>
    public static bool TryDetectFormat(ReadOnlySpan<char> start, out ThreatListFormat format) =>
        ThreatListFormatDetector.TryDetect(start, out format);
}
