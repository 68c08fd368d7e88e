using System.Net;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class OtxCsvParserTests
{
    private static ParsedList ParseWithTlp() => ListFixtures.Parse(ThreatListFormat.OtxCsv, "otx-pulse-with-tlp.csv");

    [Fact]
    public void Parse_AddedTlpColumn_LoadsFourRows()
    {
        var parsed = ParseWithTlp();

        Assert.Equal(2, parsed.Entries.Count);
        Assert.Equal(2, parsed.Domains.Count);
        Assert.Empty(parsed.Errors);
        Assert.Equal(0, parsed.RejectedCount);
        Assert.Equal(ThreatListFormat.OtxCsv, parsed.Format);
    }

    [Fact]
    public void Parse_AddedTlpColumn_OneWarning()
    {
        var parsed = ParseWithTlp();

        var warning = Assert.Single(parsed.Notes, note => note.Level == ListNoteLevel.Warning);
        Assert.Equal(1, warning.Line);
        Assert.Equal("tlp", warning.Text);
        Assert.Contains("not part of the OTX export layout", warning.Message);
    }

    [Fact]
    public void Parse_AddressWithPort_KeepsPort()
    {
        var entry = ParseWithTlp().Entries[0];

        Assert.Equal("203.0.113.8:8443", entry.Text);
        Assert.Equal(IPAddress.Parse("203.0.113.8"), entry.Network.BaseAddress);
        Assert.Equal(32, entry.Network.PrefixLength);
        Assert.Equal(8443, entry.Port);
    }

    [Fact]
    public void Parse_QuotedFields_ReadWhole()
    {
        var parsed = ParseWithTlp();

        Assert.Equal("C2 server, port 8443", parsed.Entries[0].Description);
        Assert.Equal("Phishing page \"Sign in\" form", parsed.Domains[0].Description);
    }

    [Fact]
    public void Parse_UrlRow_GivesHostDomain()
    {
        var url = ParseWithTlp().Domains[0];

        Assert.Equal("bad.example.net", url.Domain);
        Assert.Equal("http://bad.example.net/login.php?next=%2F", url.Text);
        Assert.Null(url.Port);
    }

    [Fact]
    public void Parse_OtherRows_HostnameAndIpv6()
    {
        var parsed = ParseWithTlp();

        Assert.Equal("c2.example.net", parsed.Domains[1].Domain);
        Assert.Equal("Beacon host", parsed.Domains[1].Description);
        Assert.Equal(IPNetwork.Parse("2001:db8:4::17/128"), parsed.Entries[1].Network);
        Assert.Null(parsed.Entries[1].Description);
    }

    [Fact]
    public void Parse_FileHashRow_SkippedWithNote()
    {
        var note = Assert.Single(ParseWithTlp().Notes, note => note.Level == ListNoteLevel.Information && note.Text == "FileHash-SHA256");

        Assert.Equal(6, note.Line);
        Assert.StartsWith("1 row of this type skipped", note.Message);
    }

    [Fact]
    public void Parse_InvalidRows_ReportedWithLineNumbers()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.OtxCsv, "otx-pulse-invalid.csv");

        Assert.Equal(["198.51.100.0/24"], ListFixtures.Values(parsed));
        Assert.Equal([2, 3, 4, 5, 8, 9], parsed.Errors.Select(error => error.Line));
        Assert.All(parsed.Errors, error => Assert.Equal("otx-pulse-invalid.csv", error.ListName));
        Assert.Equal(6, parsed.RejectedCount);
    }

    [Theory]
    [InlineData(2, "not a valid IPv4 or IPv6 address")]
    [InlineData(3, "contains '_'")]
    [InlineData(4, "expects an IPv4 address")]
    [InlineData(5, "Indicator type field is empty")]
    [InlineData(8, "Indicator field is empty")]
    [InlineData(9, "at least two labels")]
    public void Parse_InvalidRow_ExplainsReason(int line, string reasonPart)
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.OtxCsv, "otx-pulse-invalid.csv");

        Assert.Contains(reasonPart, Assert.Single(parsed.Errors, error => error.Line == line).Reason);
    }

    [Fact]
    public void Parse_EmailRow_SkippedNotRejected()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.OtxCsv, "otx-pulse-invalid.csv");

        var note = Assert.Single(parsed.Notes);
        Assert.Equal("email", note.Text);
        Assert.Equal(7, note.Line);
    }

    [Fact]
    public void Parse_ReorderedColumns_ReadByName()
    {
        var text = "Description,Indicator,Indicator type\n\"Scanner, daily\",198.51.100.61,IPv4\n";

        var parsed = ListFixtures.ParseText(ThreatListFormat.OtxCsv, text);

        var entry = Assert.Single(parsed.Entries);
        Assert.Equal("198.51.100.61/32", entry.Network.ToString());
        Assert.Equal("Scanner, daily", entry.Description);
        Assert.Empty(parsed.Notes);
    }

    [Fact]
    public void Parse_NoHeader_ReadsExportOrderWithWarning()
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.OtxCsv, "IPv4,198.51.100.62,\ndomain,c2.example.net,\n");

        Assert.Equal(["198.51.100.62/32", "c2.example.net"], ListFixtures.Values(parsed));
        Assert.Equal(ListNoteLevel.Warning, Assert.Single(parsed.Notes).Level);
    }
}
