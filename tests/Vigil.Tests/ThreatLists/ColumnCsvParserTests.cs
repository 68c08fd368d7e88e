using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class ColumnCsvParserTests
{
    private static ParsedList ParseFixture(CsvColumn column) =>
        ListFixtures.Parse(ThreatListFormat.Csv, "column-feed.csv", new ListParserOptions { CsvColumn = column });

    [Fact]
    public void Parse_ColumnByName_LoadsValues()
    {
        var parsed = ParseFixture(CsvColumn.Named("indicator"));

        Assert.Equal(["198.51.100.14/32", "203.0.113.0/24", "cdn.example.net"], ListFixtures.Values(parsed));
        Assert.Equal(8443, parsed.Domains[0].Port);
        Assert.Equal(ThreatListFormat.Csv, parsed.Format);
    }

    [Fact]
    public void Parse_ColumnByIndex_SameAsByName()
    {
        Assert.Equal(ListFixtures.Values(ParseFixture(CsvColumn.Named("Indicator "))), ListFixtures.Values(ParseFixture(CsvColumn.AtIndex(2))));
    }

    [Fact]
    public void Parse_InvalidRows_ReportedWithLineNumbers()
    {
        var parsed = ParseFixture(CsvColumn.Named("indicator"));

        Assert.Equal([4, 5], parsed.Errors.Select(error => error.Line));
        Assert.Contains("contains '_'", parsed.Errors[0].Reason);
        Assert.Contains("column 'indicator' is empty", parsed.Errors[1].Reason);
    }

    [Fact]
    public void Parse_ReorderedAndAddedColumns_ReadByName()
    {
        var text = "indicator,tlp,first_seen\n\"198.51.100.15\",amber,2024-05-01\n";

        var parsed = ListFixtures.ParseText(ThreatListFormat.Csv, text, new ListParserOptions { CsvColumn = CsvColumn.Named("indicator") });

        Assert.Equal(["198.51.100.15/32"], ListFixtures.Values(parsed));
        Assert.Empty(parsed.Notes);
    }

    [Fact]
    public void Parse_MissingColumn_RejectedAtHeader()
    {
        var parsed = ParseFixture(CsvColumn.Named("ioc"));

        Assert.Empty(ListFixtures.Values(parsed));
        var error = Assert.Single(parsed.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("'indicator'", error.Reason);
    }

    [Fact]
    public void Parse_NoHeaderSemicolons_ReadsByIndex()
    {
        var options = new ListParserOptions { CsvColumn = CsvColumn.AtIndex(1), CsvHasHeader = false, CsvSeparator = ';' };

        var parsed = ListFixtures.ParseText(ThreatListFormat.Csv, "x;198.51.100.16\ny;bad.example.net\nz\n", options);

        Assert.Equal(["198.51.100.16/32", "bad.example.net"], ListFixtures.Values(parsed));
        Assert.Contains("has 1 field", Assert.Single(parsed.Errors).Reason);
    }

    [Fact]
    public void Parse_StrayQuote_LoadsWithWarning()
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.Csv, "note,indicator\n5\" rack,198.51.100.17\n", new ListParserOptions { CsvColumn = CsvColumn.Named("indicator") });

        Assert.Single(parsed.Entries);
        var warning = Assert.Single(parsed.Notes);
        Assert.Equal(2, warning.Line);
        Assert.Equal(ListNoteLevel.Warning, warning.Level);
    }

    [Fact]
    public void Parse_NoColumnChosen_Throws()
    {
        Assert.Throws<ArgumentException>(() => ListFixtures.ParseText(ThreatListFormat.Csv, "a\n"));
    }

    [Fact]
    public void Parse_NamedColumnWithoutHeader_Throws()
    {
        var options = new ListParserOptions { CsvColumn = CsvColumn.Named("indicator"), CsvHasHeader = false };

        Assert.Throws<ArgumentException>(() => ListFixtures.ParseText(ThreatListFormat.Csv, "a\n", options));
    }
}
