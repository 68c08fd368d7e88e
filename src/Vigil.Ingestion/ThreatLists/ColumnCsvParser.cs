namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads any CSV list whose entries are in one column, chosen by header name or by 0-based index.
/// Chosen by name, the column may be anywhere in the header, so added or reordered columns do not
/// matter. Every value is read as a plain list line is: an address, range, <c>host:port</c>, domain or
/// URL. Quoted fields may contain the separator and doubled quotes.
/// </summary>
internal static class ColumnCsvParser
{
    public static ParsedList Parse(TextReader text, string listName, ListParserOptions options)
    {
        var column = options.CsvColumn ?? throw new ArgumentException("ListParserOptions.CsvColumn is missing: set it to the header name or index of the column that contains the entries.", nameof(options));
        if (column.Name is not null && !options.CsvHasHeader)
        {
            throw new ArgumentException($"The CSV column is chosen by name ('{column.Name}'), which needs a header row; set CsvHasHeader or choose the column by index.", nameof(options));
        }

        var collector = new ListEntryCollector(listName, options);
        using var reader = CsvListReader.Open(text, collector, options.CsvSeparator);
        var index = column.Index ?? -1;
        var headerPending = options.CsvHasHeader;
        while (!collector.IsFull && reader.Read())
        {
            var line = (int)reader.LineNumber;
            var fields = CsvListReader.ReadFields(reader);
            if (headerPending)
            {
                headerPending = false;
                if (!TryFindColumn(fields, column, line, collector, ref index))
                {
                    break;
                }

                continue;
            }

            if (index >= fields.Length)
            {
                collector.AddError(line, reader.Current.ToString(), $"the row has {fields.Length} {(fields.Length == 1 ? "field" : "fields")}, so {column} is missing");
                continue;
            }

            if (fields[index].Length == 0)
            {
                collector.AddError(line, reader.Current.ToString(), $"{column} is empty");
                continue;
            }

            collector.Add(fields[index], IndicatorKind.Any, line);
        }

        return collector.ToParsedList(ThreatListFormat.Csv);
    }

    private static bool TryFindColumn(string[] header, CsvColumn column, int line, ListEntryCollector collector, ref int index)
    {
        if (column.Name is not null)
        {
            index = new CsvHeader(header).IndexOf(column.Name);
        }

        if (index >= 0 && index < header.Length)
        {
            return true;
        }

        collector.AddError(line, string.Join(",", header), $"the header has no {column}; its columns are {string.Join(", ", header.Select(name => $"'{name}'"))}");
        return false;
    }
}
