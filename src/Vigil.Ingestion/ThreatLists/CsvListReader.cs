using CsvHelper;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Opens CsvHelper readers for the CSV list formats, with the limits of the list's options. Every line
/// is one record: a line break inside quotes ends the record, so one unbalanced quote cannot swallow the
/// rest of the file. Lines that start with <c>#</c> are comments.
/// </summary>
internal static class CsvListReader
{
    public static CsvReader Open(TextReader text, ListEntryCollector collector, char separator = ',')
    {
        var maxLineLength = collector.Options.MaxLineLength;
        var lines = new BoundedLineReader(text, maxLineLength);
        var limited = new LineLimitingTextReader(lines, (line, lineStart, length) =>
            collector.AddError(line, lineStart, $"the line is {length} characters long, more than the maximum of {maxLineLength}"));

        var options = CsvReaderOptions.Default with
        {
            Separator = separator,
            HasHeader = false,
            AllowLineBreaksInQuotes = false,
            CommentPrefix = '#',
            TrackLineNumbers = true,

            // Lines are already cut at MaxLineLength characters, at most 3 UTF-8 bytes each, so this
            // only guards against a mistake in that cut.
            MaxRecordSize = (int)Math.Min(int.MaxValue, (long)maxLineLength * 3 + 16),
            OnMalformedRecord = record => collector.AddNote(
                (int)record.LineNumber,
                record.RawRecord,
                $"malformed quoting ({Describe(record.Reason)}); the fields were read as written",
                ListNoteLevel.Warning),
        };

        return CsvReader.Create(limited, options, leaveOpen: true);
    }

    /// <summary>The fields of the current record, with surrounding whitespace removed.</summary>
    public static string[] ReadFields(CsvReader reader)
    {
        var fields = new string[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i).Trim();
        }

        return fields;
    }

    /// <summary>The field at <paramref name="index"/>, or an empty string when the record is shorter or the index is -1.</summary>
    public static string Field(string[] fields, int index) => index >= 0 && index < fields.Length ? fields[index] : string.Empty;

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a field",
        CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed",
        CsvMalformedReason.LineBreakInQuotes => "a quoted field that runs past the end of the line",
        _ => reason.ToString(),
    };
}

/// <summary>The column names of a CSV header row, looked up exactly first and then without regard to case and surrounding spaces.</summary>
internal sealed class CsvHeader(string[] names)
{
    public IReadOnlyList<string> Names => names;

    /// <summary>The 0-based index of the first column called one of <paramref name="candidates"/>, in the order given; -1 when there is none.</summary>
    public int IndexOf(params ReadOnlySpan<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            var exact = Array.IndexOf(names, candidate);
            if (exact >= 0)
            {
                return exact;
            }

            var trimmed = candidate.Trim();
            for (var i = 0; i < names.Length; i++)
            {
                if (string.Equals(names[i].Trim(), trimmed, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
        }

        return -1;
    }
}
