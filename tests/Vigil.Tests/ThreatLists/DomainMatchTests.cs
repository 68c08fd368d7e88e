using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class DomainMatchTests
{
    private static ThreatIntelSnapshot Load(params (string Name, string Content)[] lists)
    {
        var registry = new ThreatIntelRegistry();
        var errors = registry.Load("tenant-a", lists, new PlainTextListParser());
        Assert.Empty(errors);
        return registry.For("tenant-a");
    }

    [Theory]
    [InlineData("bad.example.net")]
    [InlineData("www.bad.example.net")]
    [InlineData("a.b.c.bad.example.net")]
    [InlineData("WWW.Bad.Example.NET.")]
    [InlineData("bad.example.net.")]
    public void TryMatchDomain_DomainOrSubdomain_Matches(string queryName)
    {
        var snapshot = Load(("domains", "bad.example.net\n"));

        Assert.True(snapshot.TryMatchDomain(queryName, out var match));
        Assert.Equal("domains", match.List.Name);
        Assert.Equal("bad.example.net", match.Entry);
    }

    [Theory]
    [InlineData("notbad.example.net")]
    [InlineData("example.net")]
    [InlineData("net")]
    [InlineData("bad.example.net.evil.example")]
    [InlineData("bad.example.network")]
    [InlineData("xbad.example.net")]
    [InlineData("bad.example.net..")]
    [InlineData("")]
    [InlineData(null)]
    public void TryMatchDomain_OtherName_DoesNotMatch(string? queryName)
    {
        var snapshot = Load(("domains", "bad.example.net\n"));

        Assert.False(snapshot.TryMatchDomain(queryName, out _));
    }

    [Fact]
    public void TryMatchDomain_WildcardEntry_MatchesBareDomain()
    {
        var snapshot = Load(("domains", "*.bad.example.net\n"));

        Assert.True(snapshot.TryMatchDomain("bad.example.net", out var match));
        Assert.Equal("*.bad.example.net", match.Entry);
        Assert.True(snapshot.TryMatchDomain("www.bad.example.net", out _));
    }

    [Fact]
    public void TryMatchDomain_IdnEntry_MatchesBothForms()
    {
        var snapshot = Load(("domains", "bücher.example\n"));

        Assert.True(snapshot.TryMatchDomain("www.xn--bcher-kva.example", out var match));
        Assert.Equal("bücher.example", match.Entry);
        Assert.True(snapshot.TryMatchDomain("www.bücher.example.", out _));
    }

    [Fact]
    public void TryMatchDomain_NestedEntries_PrefersLongest()
    {
        var snapshot = Load(("broad", "example.net\n"), ("narrow", "bad.example.net\n"));

        Assert.True(snapshot.TryMatchDomain("www.bad.example.net", out var inner));
        Assert.True(snapshot.TryMatchDomain("www.example.net", out var outer));

        Assert.Equal("narrow", inner.List.Name);
        Assert.Equal("broad", outer.List.Name);
    }

    [Fact]
    public void TryMatchDomain_DuplicateDomain_FirstListWins()
    {
        var snapshot = Load(("first", "bad.example.net\n"), ("second", "BAD.example.net.\n"));

        Assert.True(snapshot.TryMatchDomain("bad.example.net", out var match));
        Assert.Equal("first", match.List.Name);
        Assert.Equal(1, snapshot.DomainEntryCount);
    }

    [Fact]
    public void TryMatchDomain_Lookup_AllocatesNothing()
    {
        var snapshot = Load(("domains", "bad.example.net\nother.example.org\n"));
        string[] names = ["a.b.c.www.bad.example.net", "WWW.Bad.Example.NET.", "notbad.example.net", "example.org"];

        // A first full pass lets the runtime finish its one-time work before measuring: a single call
        // per name was not enough, and the first loop of a process could report about 1 KB.
        LookUpAll(snapshot, names);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var matches = LookUpAll(snapshot, names);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2000, matches);
        Assert.Equal(0, allocated);
    }

    private static int LookUpAll(ThreatIntelSnapshot snapshot, string[] names)
    {
        var matches = 0;
        for (var i = 0; i < 1000; i++)
        {
            foreach (var name in names)
            {
                matches += snapshot.TryMatchDomain(name, out _) ? 1 : 0;
            }
        }

        return matches;
    }

    [Fact]
    public void Snapshot_MixedList_CountsBothKinds()
    {
        var snapshot = Load(("mixed", "192.0.2.0/24\nbad.example.net\n"));

        Assert.Equal(2, snapshot.EntryCount);
        Assert.Equal(1, snapshot.DomainEntryCount);
        Assert.True(snapshot.TryMatch("192.0.2.1", out _));
        Assert.False(snapshot.TryMatch("bad.example.net", out _));
        Assert.False(snapshot.TryMatchDomain("192.0.2.1", out _));
    }

    [Fact]
    public void Snapshot_Empty_MatchesNoDomain()
    {
        Assert.False(ThreatIntelSnapshot.Empty.TryMatchDomain("bad.example.net", out _));
        Assert.Equal(0, ThreatIntelSnapshot.Empty.DomainEntryCount);
    }
}
