using System.Net;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class ThreatIntelSnapshotTests
{
    private static ThreatIntelSnapshot Load(params (string Name, string Content)[] lists)
    {
        var registry = new ThreatIntelRegistry();
        var errors = registry.Load("tenant-a", lists, new PlainTextListParser());
        Assert.Empty(errors);
        return registry.For("tenant-a");
    }

    [Theory]
    [InlineData("198.51.100.8")]
    [InlineData("198.51.100.12")]
    [InlineData("198.51.100.15")]
    public void TryMatch_InsideCidr_Matches(string address)
    {
        var snapshot = Load(("ranges", "198.51.100.8/29\n"));

        Assert.True(snapshot.TryMatch(address, out var match));
        Assert.Equal("ranges", match.List.Name);
        Assert.Equal("198.51.100.8/29", match.Entry);
    }

    [Theory]
    [InlineData("198.51.100.7")]
    [InlineData("198.51.100.16")]
    [InlineData("198.51.100.20")]
    public void TryMatch_OutsideCidr_DoesNotMatch(string address)
    {
        var snapshot = Load(("ranges", "198.51.100.8/29\n"));

        Assert.False(snapshot.TryMatch(address, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("ec2.amazonaws.com")]
    [InlineData("AWS Internal")]
    public void TryMatch_NotAnAddress_DoesNotMatch(string? text)
    {
        var snapshot = Load(("ranges", "198.51.100.8/29\n"));

        Assert.False(snapshot.TryMatch(text, out _));
    }

    [Fact]
    public void TryMatch_Ipv6Cidr_Matches()
    {
        var snapshot = Load(("v6", "2001:db8:abcd::/48\n"));

        Assert.True(snapshot.TryMatch("2001:db8:abcd:12::5", out var match));
        Assert.Equal("2001:db8:abcd::/48", match.Entry);
        Assert.False(snapshot.TryMatch("2001:db8:abce::1", out _));
    }

    [Fact]
    public void TryMatch_Ipv6SingleAddress_Matches()
    {
        var snapshot = Load(("v6", "2001:db8::42\n"));

        Assert.True(snapshot.TryMatch("2001:0db8:0000::0042", out _));
        Assert.False(snapshot.TryMatch("2001:db8::43", out _));
    }

    [Fact]
    public void TryMatch_Ipv4MappedLookup_MatchesIpv4Entry()
    {
        var snapshot = Load(("ranges", "198.51.100.8/29\n"));

        Assert.True(snapshot.TryMatch("::ffff:198.51.100.12", out var match));
        Assert.Equal("198.51.100.8/29", match.Entry);
        Assert.False(snapshot.TryMatch("::ffff:198.51.100.20", out _));
    }

    [Fact]
    public void TryMatch_Ipv4MappedEntry_MatchesIpv4Address()
    {
        var snapshot = Load(("mapped", "::ffff:203.0.113.0/120\n"));

        Assert.True(snapshot.TryMatch("203.0.113.77", out var match));
        Assert.Equal("::ffff:203.0.113.0/120", match.Entry);
        Assert.True(snapshot.TryMatch("::ffff:203.0.113.77", out _));
        Assert.False(snapshot.TryMatch("203.0.114.1", out _));
    }

    [Fact]
    public void TryMatch_NestedRanges_PrefersLongestPrefix()
    {
        var snapshot = Load(("broad", "198.51.100.0/24\n"), ("narrow", "198.51.100.8/29\n"));

        Assert.True(snapshot.TryMatch("198.51.100.12", out var inner));
        Assert.True(snapshot.TryMatch("198.51.100.200", out var outer));

        Assert.Equal("narrow", inner.List.Name);
        Assert.Equal("broad", outer.List.Name);
    }

    [Fact]
    public void TryMatch_DuplicateNetwork_FirstListWins()
    {
        var snapshot = Load(("first", "192.0.2.0/24\n"), ("second", "192.0.2.0/24\n"));

        Assert.True(snapshot.TryMatch(IPAddress.Parse("192.0.2.1"), out var match));
        Assert.Equal("first", match.List.Name);
        Assert.Equal(1, snapshot.EntryCount);
    }

    [Fact]
    public void Registry_UnknownTenant_GivesEmptySnapshot()
    {
        var registry = new ThreatIntelRegistry();
        registry.Load("tenant-a", [("ranges", "192.0.2.0/24\n")], new PlainTextListParser());

        Assert.Same(ThreatIntelSnapshot.Empty, registry.For("tenant-b"));
        Assert.False(registry.For("tenant-b").TryMatch("192.0.2.1", out _));
    }

    [Fact]
    public void Registry_Load_ReturnsLineErrors()
    {
        var registry = new ThreatIntelRegistry();

        var errors = registry.Load("tenant-a", [("mixed", "192.0.2.1\n10.1\n")], new PlainTextListParser());

        var error = Assert.Single(errors);
        Assert.Equal("mixed", error.ListName);
        Assert.Equal(2, error.Line);
        Assert.Equal(1, registry.For("tenant-a").EntryCount);
    }
}
