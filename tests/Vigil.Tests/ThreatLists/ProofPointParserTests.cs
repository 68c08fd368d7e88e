using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class ProofPointParserTests
{
    [Fact]
    public void Parse_BlockList_LoadsAddressesAndRanges()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.ProofPoint, "proofpoint-block-ips.txt");

        Assert.Equal(["192.0.2.0/24", "198.51.100.0/25", "203.0.113.5/32"], ListFixtures.Values(parsed));
        Assert.Equal(ThreatListFormat.ProofPoint, parsed.Format);
    }

    [Fact]
    public void Parse_BlockList_InvalidLinesReported()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.ProofPoint, "proofpoint-block-ips.txt");

        Assert.Equal([7, 8], parsed.Errors.Select(error => error.Line));
        Assert.Contains("not a valid IPv4 or IPv6 address", parsed.Errors[0].Reason);
        Assert.Contains("wider than the minimum prefix /8", parsed.Errors[1].Reason);
    }

    [Fact]
    public void Parse_IqRiskCsv_LoadsRowsWithCategory()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.ProofPoint, "proofpoint-iqrisk.csv");

        Assert.Equal(["198.51.100.44/32", "203.0.113.80/32"], ListFixtures.Values(parsed));
        Assert.Equal("ET category 1, score 127", parsed.Entries[0].Description);
        Assert.Equal("ET category 5, score 40", parsed.Entries[1].Description);
    }

    [Fact]
    public void Parse_IqRiskCsv_InvalidRowsReported()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.ProofPoint, "proofpoint-iqrisk.csv");

        Assert.Equal([4, 5], parsed.Errors.Select(error => error.Line));
        Assert.Contains("not a valid IPv4 or IPv6 address", parsed.Errors[0].Reason);
        Assert.Contains("score 'high' is not a whole number", parsed.Errors[1].Reason);
    }

    [Fact]
    public void Parse_IqRiskWithoutHeader_ReadsPositions()
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.ProofPoint, "198.51.100.45,3,90\nbad.example.net,1,60\n");

        Assert.Equal(["198.51.100.45/32", "bad.example.net"], ListFixtures.Values(parsed));
        Assert.Equal("ET category 1, score 60", parsed.Domains[0].Description);
    }

    [Fact]
    public void Parse_IqRiskExtraColumns_ReadByName()
    {
        var text = "score,first_seen,ip,category,ports\n80,2024-05-01,203.0.113.90,2,\"80,443\"\n";

        var parsed = ListFixtures.ParseText(ThreatListFormat.ProofPoint, text);

        Assert.Equal("ET category 2, score 80", Assert.Single(parsed.Entries).Description);
    }

    [Fact]
    public void Parse_DomainHeader_RejectsAddresses()
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.ProofPoint, "domain,category,score\nbad.example.net,1,60\n203.0.113.9,1,60\n");

        Assert.Equal(["bad.example.net"], ListFixtures.Values(parsed));
        Assert.Equal(3, Assert.Single(parsed.Errors).Line);
    }
}
