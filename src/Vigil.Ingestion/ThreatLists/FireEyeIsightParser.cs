namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads the CSV indicator export of FireEye iSIGHT Threat Intelligence. The export has a header row and
/// many columns; only these are read, by name: <c>ip</c> and <c>sourceIp</c> (addresses, with
/// <c>port</c> kept on the <c>ip</c> entry), <c>domain</c> and <c>sourceDomain</c> (domains), <c>url</c>
/// (reduced to its host), and <c>malwareFamily</c>, <c>actor</c> or <c>title</c> as the description.
/// One row can give several entries. Rows with none of the indicator columns filled, such as file
/// indicators, are skipped with one note.
/// </summary>
/// <remarks>
/// NOTE: the column names are iSIGHT's indicator field names, but the layout was not checked against a
/// real export. Other columns are therefore ignored without a warning.
/// </remarks>
internal static class FireEyeIsightParser
{
    private static readonly (string Name, IndicatorKind Kind)[] IndicatorColumns =
    [
        ("ip", IndicatorKind.Address),
        ("sourceIp", IndicatorKind.Address),
        ("domain", IndicatorKind.Domain),
        ("sourceDomain", IndicatorKind.Domain),
        ("url", IndicatorKind.Url),
    ];

    public static ParsedList Parse(TextReader text, string listName, ListParserOptions options)
    {
        var collector = new ListEntryCollector(listName, options);
        using var reader = CsvListReader.Open(text, collector);
        Layout? layout = null;
        var skippedRows = 0;
        var firstSkippedLine = 0;
        while (!collector.IsFull && reader.Read())
        {
            var line = (int)reader.LineNumber;
            var fields = CsvListReader.ReadFields(reader);
            if (layout is null)
            {
                layout = Layout.From(new CsvHeader(fields));
                if (layout.Indicators.All(column => column.Index < 0))
                {
                    collector.AddError(line, string.Join(",", fields), $"the header has none of the columns {string.Join(", ", IndicatorColumns.Select(column => column.Name))}; is this an iSIGHT CSV export?");
                    break;
                }

                continue;
            }

            if (!ReadRow(fields, line, layout, collector))
            {
                skippedRows++;
                firstSkippedLine = skippedRows == 1 ? line : firstSkippedLine;
            }
        }

        if (skippedRows > 0)
        {
            collector.AddNote(firstSkippedLine, string.Empty, $"{skippedRows} {(skippedRows == 1 ? "row has" : "rows have")} no IP address, domain or URL (file, e-mail or other indicators) and {(skippedRows == 1 ? "was" : "were")} skipped", ListNoteLevel.Information);
        }

        return collector.ToParsedList(ThreatListFormat.FireEye);
    }

    /// <summary>Adds the indicators of one row; returns false when the row has none.</summary>
    private static bool ReadRow(string[] fields, int line, Layout layout, ListEntryCollector collector)
    {
        var description = layout.DescriptionIndexes.Select(index => CsvListReader.Field(fields, index)).FirstOrDefault(value => value.Length > 0);
        var port = CsvListReader.Field(fields, layout.PortIndex);
        var found = false;
        foreach (var (name, kind, index) in layout.Indicators)
        {
            var value = CsvListReader.Field(fields, index);
            if (value.Length == 0)
            {
                continue;
            }

            found = true;

            // The port belongs to the destination address of the network indicator, not to the sender's.
            var withPort = name == "ip" && port.Length > 0 && !value.Contains(':', StringComparison.Ordinal) ? $"{value}:{port}" : value;
            collector.Add(withPort, kind, line, description);
        }

        return found;
    }

    private sealed record Layout((string Name, IndicatorKind Kind, int Index)[] Indicators, int PortIndex, int[] DescriptionIndexes)
    {
        public static Layout From(CsvHeader header) => new(
            [.. IndicatorColumns.Select(column => (column.Name, column.Kind, header.IndexOf(column.Name)))],
            header.IndexOf("port"),
            [.. new[] { "malwareFamily", "actor", "title" }.Select(name => header.IndexOf(name)).Where(index => index >= 0)]);
    }
}
