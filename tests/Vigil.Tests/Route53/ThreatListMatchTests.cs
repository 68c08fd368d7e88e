using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.Route53;

public sealed class ThreatListMatchTests
{
    private static ThreatIntelSnapshot LoadList(string content)
    {
        var registry = new ThreatIntelRegistry();
        var errors = registry.Load("tenant-a", [("bad-domains", content)], new PlainTextListParser());
        Assert.Empty(errors);
        return registry.For("tenant-a");
    }

    [Fact]
    public async Task Match_ListedDomain_MatchesLinesOneAndTwo()
    {
        var intel = LoadList("bad.example.net\n");
        var read = await Route53Read.FixtureAsync("threat-list-queries.log");
        Assert.Equal(4, read.Records.Count);

        Assert.True(intel.TryMatchDomain(read.Records[0].NormalizedQueryName, out var first));
        Assert.True(intel.TryMatchDomain(read.Records[1].NormalizedQueryName, out var second));
        Assert.False(intel.TryMatchDomain(read.Records[2].NormalizedQueryName, out _));
        Assert.False(intel.TryMatchDomain(read.Records[3].NormalizedQueryName, out _));
        Assert.Equal("bad.example.net", first.Entry);
        Assert.Equal("bad.example.net", second.Entry);
        Assert.Equal("bad-domains", first.List.Name);
    }

    [Fact]
    public async Task Match_ListedDomain_StoresNormalisedNames()
    {
        var read = await Route53Read.FixtureAsync("threat-list-queries.log");

        Assert.Equal("bad.example.net", read.Records[0].NormalizedQueryName);
        Assert.Equal("www.bad.example.net", read.Records[1].NormalizedQueryName);
        Assert.Equal("WWW.Bad.Example.NET.", read.Records[1].QueryName);
        Assert.Equal("notbad.example.net", read.Records[2].NormalizedQueryName);
        Assert.Equal("example.org", read.Records[3].NormalizedQueryName);
    }

    [Fact]
    public async Task Match_RawQueryNames_SameOutcome()
    {
        var intel = LoadList("bad.example.net\n");
        var read = await Route53Read.FixtureAsync("threat-list-queries.log");

        Assert.Equal([true, true, false, false], read.Records.Select(r => intel.TryMatchDomain(r.QueryName, out _)));
    }
}
