using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class FormatDetectionTests
{
    [Theory]
    [InlineData("stix-bundle.json", ThreatListFormat.Stix)]
    [InlineData("otx-pulse-with-tlp.csv", ThreatListFormat.OtxCsv)]
    [InlineData("alienvault-reputation.data", ThreatListFormat.AlienVault)]
    [InlineData("proofpoint-iqrisk.csv", ThreatListFormat.ProofPoint)]
    [InlineData("proofpoint-block-ips.txt", ThreatListFormat.Txt)]
    [InlineData("fireeye-isight.csv", ThreatListFormat.FireEye)]
    public void TryDetectFormat_Fixture_Detected(string fileName, ThreatListFormat expected)
    {
        Assert.True(ThreatListParsers.TryDetectFormat(ListFixtures.ReadText(fileName), out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("\uFEFF# list\r\n192.0.2.1\r\nbad.example.net  # note\r\n2001:db8::/32\r\n", ThreatListFormat.Txt)]
    [InlineData("198.51.100.45,3,90\n203.0.113.9,1,20\n", ThreatListFormat.ProofPoint)]
    [InlineData("\"Indicator type\",\"Indicator\",\"Description\"\n", ThreatListFormat.OtxCsv)]
    public void TryDetectFormat_Inline_Detected(string content, ThreatListFormat expected)
    {
        Assert.True(ThreatListParsers.TryDetectFormat(content, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only comments\n")]
    [InlineData("first_seen,indicator\n2024-05-01,198.51.100.14\n")]
    [InlineData("<stix:STIX_Package></stix:STIX_Package>")]
    [InlineData("{\"ioc\": \"203.0.113.1\"}")]
    public void TryDetectFormat_Ambiguous_NotDetected(string content)
    {
        Assert.False(ThreatListParsers.TryDetectFormat(content, out _));
    }

    [Fact]
    public void TryDetectFormat_ColumnCsvFixture_NotDetected()
    {
        Assert.False(ThreatListParsers.TryDetectFormat(ListFixtures.ReadText("column-feed.csv"), out _));
    }

    [Theory]
    [InlineData("TXT", ThreatListFormat.Txt)]
    [InlineData("OTX_CSV", ThreatListFormat.OtxCsv)]
    [InlineData("ALIEN_VAULT", ThreatListFormat.AlienVault)]
    [InlineData("PROOF_POINT", ThreatListFormat.ProofPoint)]
    [InlineData("FIRE_EYE", ThreatListFormat.FireEye)]
    [InlineData("stix", ThreatListFormat.Stix)]
    [InlineData("Csv", ThreatListFormat.Csv)]
    public void TryParseFormatName_KnownName_Parsed(string name, ThreatListFormat expected)
    {
        Assert.True(ThreatListParsers.TryParseFormatName(name, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("XML")]
    [InlineData("3")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseFormatName_Unknown_Rejected(string? name)
    {
        Assert.False(ThreatListParsers.TryParseFormatName(name, out _));
    }
}
