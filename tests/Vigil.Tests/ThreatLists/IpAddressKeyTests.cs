using System.Net;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class IpAddressKeyTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("198.51.100.7")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("2001:db8::")]
    [InlineData("2001:db8:0:0:1:0:0:1")]
    [InlineData("2001:DB8:bad::1")]
    [InlineData("1:2:3:4:5:6:7::")]
    [InlineData("::ffff:198.51.100.7")]
    [InlineData("64:ff9b::192.0.2.33")]
    [InlineData("fe80::1%eth0")]
    public void TryParse_AgreesWithIPAddress(string text)
    {
        Assert.True(IpAddressKey.TryParse(text, out var key));

        Assert.Equal(IpAddressKey.From(IPAddress.Parse(text)), key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("198.51.100")]
    [InlineData("198.51.100.256")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2::3")]
    [InlineData(":1:2")]
    [InlineData("1:2:")]
    [InlineData("bad.example.net")]
    [InlineData("12345::1")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        Assert.False(IpAddressKey.TryParse(text, out _) && !IPAddress.TryParse(text, out _));
    }

    [Fact]
    public void MappedAddress_EqualsIpv4()
    {
        Assert.True(IpAddressKey.TryParse("::ffff:198.51.100.7", out var mapped));
        Assert.True(IpAddressKey.TryParse("198.51.100.7", out var plain));

        Assert.Equal(plain, mapped);
        Assert.False(mapped.IsIPv6);
    }

    [Fact]
    public void SnapshotLookups_AllocateNothing()
    {
        var registry = new ThreatIntelRegistry();
        registry.Load("tenant-a", [new ThreatListSource("threats", "198.51.100.0/24\n2001:db8:bad::/48\nbad.example.net\n")]);
        registry.LoadPlatform([new ThreatListSource("tor", "192.0.2.44\n") { Purpose = ThreatPurpose.Tor }]);
        var snapshot = registry.For("tenant-a");
        string[] addresses = ["198.51.100.7", "203.0.113.9", "2001:db8:bad::1", "2001:db8:beef::1", "192.0.2.44"];
        Lookups(snapshot, addresses);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var matches = Lookups(snapshot, addresses);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(4 * 100, matches);
        Assert.Equal(0, allocated);
    }

    private static int Lookups(ThreatIntelSnapshot snapshot, string[] addresses)
    {
        var matches = 0;
        for (var round = 0; round < 100; round++)
        {
            foreach (var address in addresses)
            {
                matches += snapshot.TryMatch(address, out _) ? 1 : 0;
            }

            matches += snapshot.TryMatch("192.0.2.44", ThreatPurpose.Tor, out _) ? 1 : 0;
            matches += snapshot.TryMatchDomain("www.bad.example.net", out _) ? 1 : 0;
        }

        return matches;
    }
}
