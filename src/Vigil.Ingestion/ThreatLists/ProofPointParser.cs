using System.Globalization;
using CsvHelper;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads the two Proofpoint Emerging Threats layouts. The block list text (<c>emerging-Block-IPs.txt</c>)
/// has one address or range a line and <c>#</c> comments. The ET IQRisk CSV has <c>ip,category,score</c>
/// rows (or <c>domain,category,score</c> for the domain list), with or without that header; more columns
/// are allowed after a header, which is then read by name. The layout is chosen by the first row: one
/// field means the block list, more mean IQRisk.
/// </summary>
internal static class ProofPointParser
{
    public static ParsedList Parse(TextReader text, string listName, ListParserOptions options)
    {
        var collector = new ListEntryCollector(listName, options);
        using var reader = CsvListReader.Open(text, collector);
        bool? isBlockList = null;
        var columns = (Value: 0, Category: 1, Score: 2);
        var valueKind = IndicatorKind.Any;
        while (!collector.IsFull && reader.Read())
        {
            var line = (int)reader.LineNumber;
            var fields = CsvListReader.ReadFields(reader);
            if (isBlockList is null)
            {
                isBlockList = fields.Length == 1;
                if (isBlockList == false && TryReadHeader(fields, line, collector, ref columns, ref valueKind))
                {
                    continue;
                }
            }

            if (isBlockList == true)
            {
                ReadBlockListLine(reader, fields, line, collector);
            }
            else
            {
                ReadReputationRow(fields, line, columns, valueKind, collector);
            }
        }

        return collector.ToParsedList(ThreatListFormat.ProofPoint);
    }

    private static void ReadBlockListLine(CsvReader reader, string[] fields, int line, ListEntryCollector collector)
    {
        if (fields.Length != 1)
        {
            collector.AddError(line, reader.Current.ToString(), "expected one address or range a line, as in the rest of this block list");
            return;
        }

        var hash = fields[0].IndexOf('#', StringComparison.Ordinal);
        var value = (hash >= 0 ? fields[0][..hash] : fields[0]).Trim();
        if (value.Length > 0)
        {
            collector.Add(value, IndicatorKind.Address, line);
        }
    }

    /// <summary>Reads an IQRisk header row; returns false when the first row is data.</summary>
    private static bool TryReadHeader(string[] fields, int line, ListEntryCollector collector, ref (int Value, int Category, int Score) columns, ref IndicatorKind valueKind)
    {
        var header = new CsvHeader(fields);
        var ip = header.IndexOf("ip");
        var domain = header.IndexOf("domain");
        if (ip < 0 && domain < 0)
        {
            return false;
        }

        columns = (ip >= 0 ? ip : domain, header.IndexOf("category"), header.IndexOf("score"));
        valueKind = ip >= 0 ? IndicatorKind.Address : IndicatorKind.Domain;
        if (columns.Category < 0 || columns.Score < 0)
        {
            collector.AddNote(line, string.Join(",", fields), "the header has no 'category' or no 'score' column; rows are loaded without them", ListNoteLevel.Warning);
        }

        return true;
    }

    private static void ReadReputationRow(string[] fields, int line, (int Value, int Category, int Score) columns, IndicatorKind valueKind, ListEntryCollector collector)
    {
        var value = CsvListReader.Field(fields, columns.Value);
        if (value.Length == 0)
        {
            collector.AddError(line, string.Join(",", fields), "the address or domain field is empty");
            return;
        }

        var category = CsvListReader.Field(fields, columns.Category);
        var score = CsvListReader.Field(fields, columns.Score);
        if (columns.Score >= 0 && !int.TryParse(score, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            collector.AddError(line, string.Join(",", fields), $"the score '{score}' is not a whole number");
            return;
        }

        var description = (category.Length, score.Length) switch
        {
            ( > 0, > 0) => $"ET category {category}, score {score}",
            ( > 0, 0) => $"ET category {category}",
            _ => null,
        };

        collector.Add(value, valueKind, line, description);
    }
}
