using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class FireEyeParserTests
{
    private static ParsedList ParseFixture() => ListFixtures.Parse(ThreatListFormat.FireEye, "fireeye-isight.csv");

    [Fact]
    public void Parse_Export_LoadsEveryIndicatorColumn()
    {
        var parsed = ParseFixture();

        Assert.Equal(["203.0.113.60/32", "198.51.100.30/32", "update.example.net", "mail.example.org", "login.example.net"], ListFixtures.Values(parsed));
        Assert.Equal(ThreatListFormat.FireEye, parsed.Format);
    }

    [Fact]
    public void Parse_PortColumn_KeptOnDestinationAddress()
    {
        var parsed = ParseFixture();

        Assert.Equal(443, parsed.Entries[0].Port);
        Assert.Equal("203.0.113.60:443", parsed.Entries[0].Text);
        Assert.Null(parsed.Entries[1].Port);
    }

    [Fact]
    public void Parse_Description_FromMalwareFamilyOrActor()
    {
        var parsed = ParseFixture();

        Assert.Equal("LOADERX", parsed.Entries[0].Description);
        Assert.Equal("FIN-X", parsed.Entries[1].Description);
    }

    [Fact]
    public void Parse_HashRow_SkippedWithNote()
    {
        var note = Assert.Single(ParseFixture().Notes, note => note.Level == ListNoteLevel.Information && note.Message.Contains("no IP address", StringComparison.Ordinal));

        Assert.Equal(4, note.Line);
        Assert.StartsWith("1 row has", note.Message);
    }

    [Fact]
    public void Parse_InvalidAddress_ReportedWithLine()
    {
        var error = Assert.Single(ParseFixture().Errors);

        Assert.Equal(5, error.Line);
        Assert.Equal("203.0.113.999", error.Text);
    }

    [Fact]
    public void Parse_HeaderWithoutIndicatorColumns_Rejected()
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.FireEye, "reportId,title,md5\n20-1,x,d41d8cd98f00b204e9800998ecf8427e\n");

        Assert.Empty(ListFixtures.Values(parsed));
        Assert.Equal(1, Assert.Single(parsed.Errors).Line);
    }
}
