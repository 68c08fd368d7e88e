using Vigil.Enrichment;

namespace Vigil.Tests.Enrichment;

public sealed class CsvRangeFileTests : IDisposable
{
    private readonly EnrichmentFiles files = new();

    [Fact]
    public void DbIpAsn_LoadsRanges()
    {
        var path = files.Write("dbip-asn.csv", """
            198.51.100.0,198.51.100.255,64500,"Example Transit, Inc."
            2001:db8:2::,2001:db8:2:ffff:ffff:ffff:ffff:ffff,64502,Example V6
            """);
        var errors = new List<EnrichmentError>();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, errors);

        Assert.Empty(errors);
        Assert.Equal("AS64500", enricher.Enrich("198.51.100.1").NetworkKey);
        Assert.Equal("Example Transit, Inc.", enricher.Enrich("198.51.100.255").Owner?.Organization);
        Assert.Equal("AS64502", enricher.Enrich("2001:db8:2::7").NetworkKey);
        Assert.Equal("net:198.51.101.0/24", enricher.Enrich("198.51.101.0").NetworkKey);
    }

    [Fact]
    public void IpToAsnTsv_SkipsUnroutedSpace()
    {
        var path = files.Write("ip2asn-combined.tsv",
            "192.0.2.0\t192.0.2.127\t0\tNone\tNot routed\n"
            + "192.0.2.128\t192.0.2.255\t64510\tFR\tEXAMPLE-AS Example Telecom\n");
        var errors = new List<EnrichmentError>();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path, LocationFile = path }, errors);

        Assert.Empty(errors);
        Assert.Null(enricher.Enrich("192.0.2.5").Owner);
        Assert.Null(enricher.Enrich("192.0.2.5").Place);
        Assert.Equal("AS64510", enricher.Enrich("192.0.2.200").NetworkKey);
        Assert.Equal("FR", enricher.Enrich("192.0.2.200").Place?.CountryCode);
    }

    [Fact]
    public void GeoLite2AsnCsv_ReadsHeaderAndNetworks()
    {
        var path = files.Write("GeoLite2-ASN-Blocks-IPv4.csv", """
            network,autonomous_system_number,autonomous_system_organization
            203.0.113.0/26,64520,Example Cloud
            203.0.113.64/26,64521,Other Cloud
            """);
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, []);

        Assert.Equal("AS64520", enricher.Enrich("203.0.113.63").NetworkKey);
        Assert.Equal("AS64521", enricher.Enrich("203.0.113.64").NetworkKey);
        Assert.Equal("net:203.0.113.0/24", enricher.Enrich("203.0.113.128").NetworkKey);
    }

    [Fact]
    public void DbIpCity_ReadsCoordinates()
    {
        var path = files.Write("dbip-city-lite.csv", """
            198.51.100.0,198.51.100.127,EU,DE,Berlin,Berlin,52.5244,13.4105
            198.51.100.128,198.51.100.255,NA,US,California,San Francisco,37.7749,-122.419
            """);
        using var enricher = IpEnricher.Load(new EnrichmentSettings { LocationFile = path }, []);

        var berlin = enricher.Enrich("198.51.100.10").Place;
        var sanFrancisco = enricher.Enrich("198.51.100.200").Place;

        Assert.Equal("DE", berlin?.CountryCode);
        Assert.Equal("Berlin", berlin?.City);
        Assert.Equal(52.5244, berlin?.Latitude);
        Assert.Equal("US", sanFrancisco?.CountryCode);
        Assert.Equal(-122.419, sanFrancisco?.Longitude);
    }

    [Fact]
    public void Ip2LocationDb1_ReadsDecimalNumbers()
    {
        // 3325256704 is 198.51.100.0; 281474087547136 is ::ffff:203.0.113.0, an IPv4 range in an IPv6 file.
        var path = files.Write("IP2LOCATION-LITE-DB1.CSV", """
            "3325256704","3325256959","CA","Canada"
            "281474087547136","281474087547391","-","-"
            "281474087547392","281474087547647","AU","Australia"
            """);
        var errors = new List<EnrichmentError>();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { LocationFile = path }, errors);

        Assert.Empty(errors);
        Assert.Equal("Canada", enricher.Enrich("198.51.100.3").Place?.CountryName);
        Assert.Null(enricher.Enrich("203.0.113.3").Place);
        Assert.Equal("AU", enricher.Enrich("203.0.114.3").Place?.CountryCode);
    }

    [Fact]
    public void BadRows_ReportedWithLineNumbers()
    {
        var path = files.Write("dbip-asn.csv", """
            # comment line
            198.51.100.0,198.51.100.255,64500,Example Transit
            not-an-address,198.51.101.255,64501,Broken Start
            198.51.102.255,198.51.102.0,64502,Reversed
            198.51.103.0,198.51.103.255,AS-X,Bad Number
            198.51.100.128,198.51.100.200,64503,Overlap
            198.51.104.0,198.51.104.255,64504
            198.51.105.0,198.51.105.255,64505,Still Loaded
            """);
        var errors = new List<EnrichmentError>();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, errors);

        Assert.Equal(5, errors.Count);
        Assert.Equal("line 3", errors[0].Location);
        Assert.Contains("not-an-address", errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal("line 4", errors[1].Location);
        Assert.Contains("ends before it starts", errors[1].Reason, StringComparison.Ordinal);
        Assert.Equal("line 5", errors[2].Location);
        Assert.Contains("AS-X", errors[2].Reason, StringComparison.Ordinal);
        Assert.Equal("line 7", errors[3].Location);
        Assert.Contains("has 3 fields", errors[3].Reason, StringComparison.Ordinal);
        Assert.Equal("line 6", errors[4].Location);
        Assert.Contains("overlaps", errors[4].Reason, StringComparison.Ordinal);
        Assert.Equal(path, errors[0].File);
        Assert.Equal("AS64505", enricher.Enrich("198.51.105.1").NetworkKey);
        Assert.Equal("AS64500", enricher.Enrich("198.51.100.150").NetworkKey);
    }

    [Fact]
    public void UnknownLayout_RejectedWithLine()
    {
        var path = files.Write("mystery.csv", "\n\nfirst,second\n");

        var error = Assert.Throws<EnrichmentFileException>(() => IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, []));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("matches no supported layout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CountryFile_RejectedAsAsnFile()
    {
        var path = files.Write("dbip-country.csv", "198.51.100.0,198.51.100.255,DE\n");

        var error = Assert.Throws<EnrichmentFileException>(() => IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, []));

        Assert.Contains("DbIpCountry layout, which has no ASN columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileWithoutUsableRow_Rejected()
    {
        var path = files.Write("dbip-asn.csv", "198.51.100.0,198.51.100.255,ASX,Broken\n");

        var error = Assert.Throws<EnrichmentFileException>(() => IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, []));

        Assert.Contains("contains no usable row", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_Rejected()
    {
        var error = Assert.Throws<EnrichmentFileException>(() => IpEnricher.Load(new EnrichmentSettings { AsnFile = files.PathOf("absent.csv") }, []));

        Assert.Contains("absent.csv' was not found", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => files.Dispose();
}
