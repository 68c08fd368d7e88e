using System.Net;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class TrustedListTests
{
    private static ThreatIntelSnapshot Load(params ThreatListSource[] lists)
    {
        var registry = new ThreatIntelRegistry();
        var parsed = registry.Load("tenant-a", lists);
        Assert.All(parsed, list => Assert.Empty(list.Errors));
        return registry.For("tenant-a");
    }

    private static ThreatListSource Trusted(string name, string content) => new(name, content) { Kind = ThreatListKind.Trusted };

    [Fact]
    public void TryMatch_TrustedAddress_NoMatch()
    {
        var snapshot = Load(new ThreatListSource("threats", "198.51.100.0/24\n"), Trusted("office", "198.51.100.12\n"));

        Assert.False(snapshot.TryMatch("198.51.100.12", out var match));
        Assert.Equal(default, match);
    }

    [Fact]
    public void TryMatch_NeighbourOfTrustedAddress_Matches()
    {
        var snapshot = Load(new ThreatListSource("threats", "198.51.100.0/24\n"), Trusted("office", "198.51.100.12\n"));

        Assert.True(snapshot.TryMatch("198.51.100.13", out var match));
        Assert.Equal("threats", match.List.Name);
        Assert.Equal("198.51.100.0/24", match.Entry);
    }

    [Fact]
    public void TryMatch_TrustedRangeAroundThreat_NoMatch()
    {
        var snapshot = Load(new ThreatListSource("threats", "203.0.113.7\n"), Trusted("partner", "203.0.113.0/24\n"));

        Assert.False(snapshot.TryMatch(IPAddress.Parse("203.0.113.7"), out _));
        Assert.False(snapshot.TryMatch("::ffff:203.0.113.7", out _));
    }

    [Fact]
    public void TryMatch_TrustedIpv6_DoesNotMatch()
    {
        var snapshot = Load(new ThreatListSource("threats", "2001:db8::/32\n"), Trusted("office", "2001:db8:1::/48\n"));

        Assert.False(snapshot.TryMatch("2001:db8:1::5", out _));
        Assert.True(snapshot.TryMatch("2001:db8:2::5", out _));
    }

    [Fact]
    public void TryMatchDomain_TrustedSubdomain_DoesNotMatch()
    {
        var snapshot = Load(new ThreatListSource("threats", "bad.example.net\n"), Trusted("allowed", "good.bad.example.net\n"));

        Assert.False(snapshot.TryMatchDomain("good.bad.example.net", out _));
        Assert.False(snapshot.TryMatchDomain("www.good.bad.example.net.", out _));
        Assert.False(snapshot.TryMatchDomain("GOOD.Bad.Example.NET", out _));
    }

    [Fact]
    public void TryMatchDomain_RestOfThreatDomain_Matches()
    {
        var snapshot = Load(new ThreatListSource("threats", "bad.example.net\n"), Trusted("allowed", "good.bad.example.net\n"));

        Assert.True(snapshot.TryMatchDomain("bad.example.net", out var match));
        Assert.Equal("threats", match.List.Name);
        Assert.True(snapshot.TryMatchDomain("evil.bad.example.net", out _));
        Assert.True(snapshot.TryMatchDomain("notgood.bad.example.net", out _));
    }

    [Fact]
    public void TryMatchTrusted_ReturnsTrustedEntry()
    {
        var snapshot = Load(new ThreatListSource("threats", "198.51.100.0/24\nbad.example.net\n"), Trusted("office", "198.51.100.12\ngood.bad.example.net\n"));

        Assert.True(snapshot.TryMatchTrusted("198.51.100.12", out var address));
        Assert.Equal("office", address.List.Name);
        Assert.True(snapshot.TryMatchTrustedDomain("a.good.bad.example.net", out var domain));
        Assert.Equal("good.bad.example.net", domain.Entry);
        Assert.False(snapshot.TryMatchTrusted("198.51.100.13", out _));
    }

    [Fact]
    public void Snapshot_CountsKindsSeparately()
    {
        var snapshot = Load(new ThreatListSource("threats", "198.51.100.0/24\nbad.example.net\n"), Trusted("office", "198.51.100.12\n"));

        Assert.Equal(2, snapshot.EntryCount);
        Assert.Equal(1, snapshot.TrustedEntryCount);
        Assert.Equal(["threats"], snapshot.Lists.Select(list => list.Name));
        Assert.Equal(["office"], snapshot.TrustedLists.Select(list => list.Name));
    }

    [Fact]
    public void Registry_LoadsEveryFormat()
    {
        var registry = new ThreatIntelRegistry();

        var parsed = registry.Load("tenant-a",
        [
            new ThreatListSource("otx", ListFixtures.ReadText("otx-pulse-with-tlp.csv")) { Format = ThreatListFormat.OtxCsv },
            new ThreatListSource("stix", ListFixtures.ReadText("stix-bundle.json")) { Format = ThreatListFormat.Stix },
            new ThreatListSource("feed", ListFixtures.ReadText("column-feed.csv"))
            {
                Format = ThreatListFormat.Csv,
                Options = new ListParserOptions { CsvColumn = CsvColumn.Named("indicator") },
            },
        ]);

        var snapshot = registry.For("tenant-a");
        Assert.Equal(3, parsed.Count);
        Assert.True(snapshot.TryMatch("203.0.113.8", out var otx));
        Assert.Equal(8443, otx.Port);
        Assert.Equal("C2 server, port 8443", otx.Description);
        Assert.True(snapshot.TryMatchDomain("c2.example.net", out var first));
        Assert.Equal("otx", first.List.Name);
        Assert.True(snapshot.TryMatch("192.0.2.9", out var stix));
        Assert.Equal("Hosting range", stix.Description);
    }

    [Fact]
    public void TryMatch_WithTrustedLists_AllocatesNothing()
    {
        var snapshot = Load(new ThreatListSource("threats", "198.51.100.0/24\nbad.example.net\n"), Trusted("office", "198.51.100.12\ngood.bad.example.net\n"));
        IPAddress[] addresses = [IPAddress.Parse("198.51.100.12"), IPAddress.Parse("198.51.100.13"), IPAddress.Parse("203.0.113.1")];
        string[] names = ["www.good.bad.example.net", "www.bad.example.net", "example.org"];

        // A first full pass lets the runtime finish its one-time work (JIT, tiering) before measuring.
        var matches = LookUpAll(snapshot, addresses, names);
        var before = GC.GetAllocatedBytesForCurrentThread();
        matches = LookUpAll(snapshot, addresses, names);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2000, matches);
        Assert.Equal(0, allocated);
    }

    private static int LookUpAll(ThreatIntelSnapshot snapshot, IPAddress[] addresses, string[] names)
    {
        var matches = 0;
        for (var i = 0; i < 1000; i++)
        {
            foreach (var address in addresses)
            {
                matches += snapshot.TryMatch(address, out _) ? 1 : 0;
            }

            foreach (var name in names)
            {
                matches += snapshot.TryMatchDomain(name, out _) ? 1 : 0;
            }
        }

        return matches;
    }
}
