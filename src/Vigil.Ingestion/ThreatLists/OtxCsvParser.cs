namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads the CSV export of an AlienVault OTX pulse: a header <c>Indicator type,Indicator,Description</c>
/// and one indicator a row. Columns are read by header name, so reordered columns work, and columns
/// outside that layout are ignored with one warning. Rows of types that are not an address, domain or
/// URL (file hashes, e-mail addresses, mutexes and so on) are skipped, with one note for each type.
/// </summary>
internal static class OtxCsvParser
{
    private const string TypeColumn = "Indicator type";
    private const string IndicatorColumn = "Indicator";
    private const string DescriptionColumn = "Description";

    public static ParsedList Parse(TextReader text, string listName, ListParserOptions options)
    {
        var collector = new ListEntryCollector(listName, options);
        using var reader = CsvListReader.Open(text, collector);
        var skippedTypes = new Dictionary<string, (int Line, int Count)>(StringComparer.OrdinalIgnoreCase);
        Columns? columns = null;
        while (!collector.IsFull && reader.Read())
        {
            var line = (int)reader.LineNumber;
            var fields = CsvListReader.ReadFields(reader);
            if (columns is null)
            {
                columns = ReadHeader(fields, line, collector, out var isHeader);
                if (isHeader)
                {
                    continue;
                }
            }

            ReadRow(fields, line, columns.Value, collector, skippedTypes);
        }

        foreach (var (type, (line, count)) in skippedTypes)
        {
            collector.AddNote(line, type, $"{count} {(count == 1 ? "row" : "rows")} of this type skipped: only IP addresses, CIDR ranges, domains, host names and URLs are loaded", ListNoteLevel.Information);
        }

        return collector.ToParsedList(ThreatListFormat.OtxCsv);
    }

    /// <summary>
    /// Finds the columns in the first row. A first row that is data, not a header, is read with the
    /// export's column order after a warning.
    /// </summary>
    private static Columns ReadHeader(string[] fields, int line, ListEntryCollector collector, out bool isHeader)
    {
        var header = new CsvHeader(fields);
        var columns = new Columns(header.IndexOf(TypeColumn), header.IndexOf(IndicatorColumn), header.IndexOf(DescriptionColumn));
        isHeader = columns.Type >= 0 && columns.Indicator >= 0;
        if (!isHeader)
        {
            collector.AddNote(line, string.Join(",", fields), $"the first row is not the header '{TypeColumn},{IndicatorColumn},{DescriptionColumn}'; the columns are read in that order", ListNoteLevel.Warning);
            return new Columns(0, 1, 2);
        }

        var unknown = fields.Where((name, index) => index != columns.Type && index != columns.Indicator && index != columns.Description).ToArray();
        if (unknown.Length > 0)
        {
            collector.AddNote(line, string.Join(",", unknown), $"{(unknown.Length == 1 ? "this column is" : "these columns are")} not part of the OTX export layout ({TypeColumn}, {IndicatorColumn}, {DescriptionColumn}) and ignored", ListNoteLevel.Warning);
        }

        return columns;
    }

    private static void ReadRow(string[] fields, int line, Columns columns, ListEntryCollector collector, Dictionary<string, (int Line, int Count)> skippedTypes)
    {
        var type = CsvListReader.Field(fields, columns.Type);
        var indicator = CsvListReader.Field(fields, columns.Indicator);
        if (indicator.Length == 0)
        {
            collector.AddError(line, string.Join(",", fields), $"the {IndicatorColumn} field is empty");
            return;
        }

        if (type.Length == 0)
        {
            collector.AddError(line, indicator, $"the {TypeColumn} field is empty");
            return;
        }

        if (KindOf(type) is not { } kind)
        {
            skippedTypes[type] = skippedTypes.TryGetValue(type, out var seen) ? (seen.Line, seen.Count + 1) : (line, 1);
            return;
        }

        var description = CsvListReader.Field(fields, columns.Description);
        collector.Add(indicator, kind, line, description.Length > 0 ? description : null);
    }

    /// <summary>Maps an OTX indicator type to what the value must be; null for the types that are not loaded.</summary>
    private static IndicatorKind? KindOf(string type) => type.ToLowerInvariant() switch
    {
        "ipv4" => IndicatorKind.IPv4,
        "ipv6" => IndicatorKind.IPv6,
        "cidr" => IndicatorKind.Address,
        "domain" or "hostname" => IndicatorKind.Domain,
        "url" => IndicatorKind.Url,
        _ => null,
    };

    private readonly record struct Columns(int Type, int Indicator, int Description);
}
