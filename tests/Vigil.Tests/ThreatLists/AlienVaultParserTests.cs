using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class AlienVaultParserTests
{
    private static ParsedList ParseFixture() => ListFixtures.Parse(ThreatListFormat.AlienVault, "alienvault-reputation.data");

    [Fact]
    public void Parse_ReputationLines_LoadsValidAddresses()
    {
        var parsed = ParseFixture();

        Assert.Equal(["198.51.100.7/32", "203.0.113.21/32", "203.0.113.22/32"], ListFixtures.Values(parsed));
        Assert.Equal(ThreatListFormat.AlienVault, parsed.Format);
    }

    [Fact]
    public void Parse_Activity_BecomesDescription()
    {
        var parsed = ParseFixture();

        Assert.Equal(["Malicious Host", "Scanning Host;Spamming", "C&C"], parsed.Entries.Select(entry => entry.Description));
    }

    [Fact]
    public void Parse_InvalidLines_ReportedWithLineNumbers()
    {
        var parsed = ParseFixture();

        Assert.Equal([4, 5, 6], parsed.Errors.Select(error => error.Line));
        Assert.Contains("not a valid IPv4 or IPv6 address", parsed.Errors[0].Reason);
        Assert.Contains("must be whole numbers", parsed.Errors[1].Reason);
        Assert.Contains("expected 8 fields", parsed.Errors[2].Reason);
        Assert.Contains("found 4", parsed.Errors[2].Reason);
    }

    [Fact]
    public void Parse_CommentAndBlankLines_Ignored()
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.AlienVault, "# comment\n\n   \n198.51.100.7#4#2#Malicious Host#NL#Amsterdam#52.3740,4.8897#11\r\n");

        Assert.Single(parsed.Entries);
        Assert.Empty(parsed.Errors);
    }
}
