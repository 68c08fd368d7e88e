using Vigil.Enrichment;

namespace Vigil.Tests.Enrichment;

public sealed class MmdbEnrichmentTests : IDisposable
{
    private readonly EnrichmentFiles files = new();

    [Fact]
    public void Mmdb_AsnAndCityOfPublicAddress()
    {
        var path = files.WriteTestMmdb();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path, LocationFile = path }, []);

        var result = enricher.Enrich("198.51.100.77");

        Assert.Equal(IpAddressScope.Documentation, result.Scope);
        Assert.Equal(64500u, result.Owner?.Number);
        Assert.Equal("Example Transit", result.Owner?.Organization);
        Assert.Equal("AS64500", result.NetworkKey);
        Assert.Equal("DE", result.Place?.CountryCode);
        Assert.Equal("Germany", result.Place?.CountryName);
        Assert.Equal("Berlin", result.Place?.City);
        Assert.Equal(52.52, result.Place?.Latitude);
        Assert.Equal(13.405, result.Place?.Longitude);
        Assert.True(enricher.HasAsnDatabase);
        Assert.True(enricher.HasLocationDatabase);
    }

    [Fact]
    public void Mmdb_RegisteredCountryWhenNoCountry()
    {
        var path = files.WriteTestMmdb();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { LocationFile = path }, []);

        var result = enricher.Enrich("203.0.113.5");

        Assert.Equal("BR", result.Place?.CountryCode);
        Assert.Null(result.Place?.City);
        Assert.False(result.Place?.HasCoordinates);
        Assert.Null(result.Owner);
        Assert.Equal("net:203.0.113.0/24", result.NetworkKey);
    }

    [Fact]
    public void Mmdb_Ipv6AndMappedAddresses()
    {
        var path = files.WriteTestMmdb();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path, LocationFile = path }, []);

        var v6 = enricher.Enrich("2001:db8:1:ffff::1");
        var mapped = enricher.Enrich("::ffff:198.51.100.9");

        Assert.Equal("AS4200000000", v6.NetworkKey);
        Assert.Equal("JP", v6.Place?.CountryCode);
        Assert.Equal("AS64500", mapped.NetworkKey);
    }

    [Fact]
    public void Mmdb_AddressOutsideEveryNetwork()
    {
        var path = files.WriteTestMmdb();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, []);

        var result = enricher.Enrich("203.0.113.200");

        Assert.Null(result.Owner);
        Assert.Equal("net:203.0.113.0/24", result.NetworkKey);
    }

    [Fact]
    public void Mmdb_PrivateAddressNeverLookedUp()
    {
        var path = files.WriteTestMmdb();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = path }, []);

        var result = enricher.Enrich("10.1.2.3");

        Assert.Equal(IpAddressScope.Private, result.Scope);
        Assert.Null(result.Owner);
        Assert.Equal("private", result.NetworkKey);
    }

    [Fact]
    public void Mmdb_DamagedFileRejected()
    {
        var good = File.ReadAllBytes(files.WriteTestMmdb());
        var damaged = files.PathOf("damaged.mmdb");

        // Keep the metadata marker but cut the metadata map short, so the reader cannot decode it.
        File.WriteAllBytes(damaged, good[..(good.Length - 40)]);

        var error = Assert.Throws<EnrichmentFileException>(() => IpEnricher.Load(new EnrichmentSettings { AsnFile = damaged }, []));
        Assert.Contains("damaged.mmdb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enricher_WithoutFilesUsesNetworkStandIn()
    {
        var v4 = IpEnricher.None.Enrich("192.0.2.201");
        var v6 = IpEnricher.None.Enrich("2001:db8:abcd:12::5");
        var service = IpEnricher.None.Enrich("ec2.amazonaws.com");

        Assert.Equal("net:192.0.2.0/24", v4.NetworkKey);
        Assert.Equal("net:2001:db8:abcd::/48", v6.NetworkKey);
        Assert.Equal(IpAddressScope.NotAnAddress, service.Scope);
        Assert.Equal("service:ec2.amazonaws.com", service.NetworkKey);
        Assert.True(service.IsInsideAws);
        Assert.False(IpEnricher.None.HasLocationDatabase);
        Assert.False(IpEnricher.None.HasAsnDatabase);
    }

    [Theory]
    [InlineData("10.0.0.1", IpAddressScope.Private)]
    [InlineData("172.31.255.255", IpAddressScope.Private)]
    [InlineData("172.32.0.1", IpAddressScope.Public)]
    [InlineData("100.64.0.1", IpAddressScope.Private)]
    [InlineData("169.254.169.254", IpAddressScope.Private)]
    [InlineData("127.0.0.1", IpAddressScope.Private)]
    [InlineData("224.0.0.5", IpAddressScope.Private)]
    [InlineData("198.18.0.1", IpAddressScope.Private)]
    [InlineData("8.8.8.8", IpAddressScope.Public)]
    [InlineData("203.0.113.9", IpAddressScope.Documentation)]
    [InlineData("fd00::1", IpAddressScope.Private)]
    [InlineData("fe80::1", IpAddressScope.Private)]
    [InlineData("::1", IpAddressScope.Private)]
    [InlineData("2600:1f18::1", IpAddressScope.Public)]
    [InlineData("2001:db8::1", IpAddressScope.Documentation)]
    [InlineData("::ffff:10.0.0.1", IpAddressScope.Private)]
    public void Scope_OfAddress(string address, IpAddressScope expected)
    {
        Assert.Equal(expected, IpAddressScopes.Classify(System.Net.IPAddress.Parse(address)));
    }

    public void Dispose() => files.Dispose();
}
