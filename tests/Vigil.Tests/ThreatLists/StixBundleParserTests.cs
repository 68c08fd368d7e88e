using System.Net;
using System.Text;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class StixBundleParserTests
{
    private static ParsedList ParseBundle() => ListFixtures.Parse(ThreatListFormat.Stix, "stix-bundle.json");

    /// <summary>Wraps one STIX pattern in a bundle with a single indicator.</summary>
    private static ParsedList ParsePattern(string pattern, string patternType = "stix")
    {
        var json = $$"""
            {"type": "bundle", "id": "bundle--1", "objects": [
              {"type": "indicator", "id": "indicator--1", "name": "test", "pattern_type": "{{patternType}}", "pattern": "{{pattern.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}
            ]}
            """;
        return ListFixtures.ParseText(ThreatListFormat.Stix, json);
    }

    [Fact]
    public void Parse_Bundle_LoadsExactlyFiveEntries()
    {
        var parsed = ParseBundle();

        Assert.Equal(["203.0.113.77/32", "198.51.100.1/32", "198.51.100.2/32", "192.0.2.0/28", "c2.example.net"], ListFixtures.Values(parsed));
        Assert.Empty(parsed.Errors);
        Assert.Equal(ThreatListFormat.Stix, parsed.Format);
    }

    [Fact]
    public void Parse_Bundle_NameBecomesDescription()
    {
        var parsed = ParseBundle();

        Assert.Equal("C2 server", parsed.Entries[0].Description);
        Assert.Equal("C2 domain", parsed.Domains[0].Description);
        Assert.Equal("Scanner pair", parsed.Entries[2].Description);
    }

    [Fact]
    public void Parse_MissingMarkingDefinition_WarnsAndLoads()
    {
        var parsed = ParseBundle();

        var warning = Assert.Single(parsed.Notes, note => note.Level == ListNoteLevel.Warning);
        Assert.Equal("indicator--11111111-2222-4333-8444-555555555502", warning.Text);
        Assert.Contains("marking-definition--99999999-aaaa-4bbb-8ccc-dddddddddddd", warning.Message);
        Assert.Equal(4, warning.ObjectIndex);
        Assert.Equal(42, warning.Line);
        Assert.Contains(parsed.Domains, domain => domain.Domain == "c2.example.net");
    }

    [Fact]
    public void Parse_SnortIndicator_SkippedWithNote()
    {
        var note = Assert.Single(ParseBundle().Notes, note => note.Level == ListNoteLevel.Information);

        Assert.Equal("indicator--11111111-2222-4333-8444-555555555505", note.Text);
        Assert.Contains("pattern type is 'snort'", note.Message);
        Assert.Equal(7, note.ObjectIndex);
    }

    [Fact]
    public void Parse_Bundle_TwoNotesOnly()
    {
        Assert.Equal(2, ParseBundle().Notes.Count);
    }

    [Fact]
    public void Parse_TextReaderAndStream_GiveSameEntries()
    {
        var fromText = ListFixtures.ParseText(ThreatListFormat.Stix, ListFixtures.ReadText("stix-bundle.json"));

        Assert.Equal(ListFixtures.Values(ParseBundle()), ListFixtures.Values(fromText));
    }

    [Fact]
    public void Parse_InvalidBundle_ErrorsWithLineAndIndex()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.Stix, "stix-bundle-invalid.json");

        Assert.Equal([(5, 0), (23, 2), (50, 5), (51, 6)], parsed.Errors.Select(error => (error.Line, error.ObjectIndex ?? -1)));
        Assert.Contains("invalid pattern", parsed.Errors[0].Reason);
        Assert.Contains("not a valid IPv4", parsed.Errors[1].Reason);
        Assert.Contains("must be a JSON object", parsed.Errors[2].Reason);
        Assert.Contains("no 'pattern'", parsed.Errors[3].Reason);
    }

    [Fact]
    public void Parse_InvalidBundle_KeepsValidIndicators()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.Stix, "stix-bundle-invalid.json");

        Assert.Equal(["2001:db8:5::1/128", "2001:db8:6::/48", "drop.example.net"], ListFixtures.Values(parsed));
        Assert.Equal("https://drop.example.net/upload", parsed.Domains[0].Text);
    }

    [Fact]
    public void Parse_AndPattern_SkippedWithNote()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.Stix, "stix-bundle-invalid.json");

        var note = Assert.Single(parsed.Notes, note => note.ObjectIndex == 1);
        Assert.Contains("AND", note.Message);
        Assert.Equal(ListNoteLevel.Information, note.Level);
        Assert.DoesNotContain(parsed.Entries, entry => entry.Network.Contains(IPAddress.Parse("203.0.113.6")));
    }

    [Fact]
    public void Parse_HashOnlyIndicator_SkippedWithNote()
    {
        var parsed = ListFixtures.Parse(ThreatListFormat.Stix, "stix-bundle-invalid.json");

        var note = Assert.Single(parsed.Notes, note => note.ObjectIndex == 3);
        Assert.Contains("file:hashes.'SHA-256' =", note.Message);
    }

    [Theory]
    [InlineData("[ipv4-addr:value = '203.0.113.1']", "203.0.113.1/32")]
    [InlineData("[ipv6-addr:value = '2001:db8::/32']", "2001:db8::/32")]
    [InlineData("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", "198.51.100.0/24")]
    [InlineData("[domain-name:value = 'Bad.Example.NET']", "bad.example.net")]
    [InlineData("[url:value = 'http://203.0.113.9:8080/a']", "203.0.113.9/32")]
    [InlineData("[network-traffic:dst_ref.value = '198.51.100.3']", "198.51.100.3/32")]
    [InlineData("([ipv4-addr:value = '203.0.113.2'])", "203.0.113.2/32")]
    [InlineData("[(ipv4-addr:value = '203.0.113.3')]", "203.0.113.3/32")]
    [InlineData("[domain-name:value = 'it\\\\'s.example.net' OR ipv4-addr:value = '203.0.113.4']", "203.0.113.4/32")]
    public void Parse_SupportedPattern_GivesEntry(string pattern, string expected)
    {
        var parsed = ParsePattern(pattern);

        Assert.Contains(expected, ListFixtures.Values(parsed));
    }

    [Theory]
    [InlineData("[ipv4-addr:value = '203.0.113.1'] AND [domain-name:value = 'c2.example.net']", "AND")]
    [InlineData("[ipv4-addr:value = '203.0.113.1'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.2']", "FOLLOWEDBY")]
    [InlineData("[ipv4-addr:value = '203.0.113.1'] REPEATS 5 TIMES", "qualifier")]
    [InlineData("[ipv4-addr:value = '203.0.113.1'] WITHIN 300 SECONDS", "qualifier")]
    [InlineData("[ipv4-addr:value = '203.0.113.1'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'", "qualifier")]
    [InlineData("[ipv4-addr:value != '203.0.113.1']", "ipv4-addr:value !=")]
    [InlineData("[ipv4-addr:value NOT = '203.0.113.1']", "ipv4-addr:value NOT =")]
    [InlineData("[domain-name:value MATCHES '^c2\\\\.']", "domain-name:value MATCHES")]
    [InlineData("[email-addr:value = 'ops@example.net']", "email-addr:value =")]
    public void Parse_UnsupportedPattern_SkippedWithNote(string pattern, string messagePart)
    {
        var parsed = ParsePattern(pattern);

        Assert.Empty(ListFixtures.Values(parsed));
        Assert.Empty(parsed.Errors);
        Assert.Contains(messagePart, Assert.Single(parsed.Notes).Message);
    }

    [Theory]
    [InlineData("[ipv4-addr:value = '203.0.113.1'")]
    [InlineData("ipv4-addr:value = '203.0.113.1'")]
    [InlineData("[ipv4-addr:value = '203.0.113.1]")]
    [InlineData("[ipv4-addr:value '203.0.113.1']")]
    [InlineData("[ipv4-addr:value = '203.0.113.1' OR]")]
    [InlineData("[ipv4-addr:value = '203.0.113.1']]")]
    [InlineData("(([ipv4-addr:value = '203.0.113.1'])")]
    [InlineData("[ipv4-addr:value IN ()]")]
    [InlineData("[] ")]
    [InlineData("[ipv4-addr:value = '203.0.113.1'] WITHIN SECONDS")]
    public void Parse_MalformedPattern_Rejected(string pattern)
    {
        var parsed = ParsePattern(pattern);

        Assert.Empty(ListFixtures.Values(parsed));
        Assert.StartsWith("invalid pattern", Assert.Single(parsed.Errors).Reason);
    }

    [Fact]
    public void Parse_DeeplyNestedPattern_RejectedWithoutRecursion()
    {
        var pattern = new string('(', 100_000) + "[ipv4-addr:value = '203.0.113.1']" + new string(')', 100_000);

        var parsed = ParsePattern(pattern);

        Assert.Contains("more than 100 levels", Assert.Single(parsed.Errors).Reason);
    }

    [Fact]
    public void Parse_DeeplyNestedJson_Rejected()
    {
        var json = "{\"type\": \"bundle\", \"objects\": [" + new string('[', 10_000) + new string(']', 10_000) + "]}";

        var parsed = ListFixtures.ParseText(ThreatListFormat.Stix, json);

        Assert.Empty(ListFixtures.Values(parsed));
        Assert.StartsWith("not valid JSON", Assert.Single(parsed.Errors).Reason);
    }

    [Fact]
    public void Parse_LargeDocument_RejectedBeforeParsing()
    {
        var json = "{\"type\": \"bundle\", \"objects\": [], \"padding\": \"" + new string('x', 5000) + "\"}";

        var parsed = ListFixtures.ParseText(ThreatListFormat.Stix, json, new ListParserOptions { MaxDocumentBytes = 4096 });

        Assert.Contains("larger than the maximum of 4096 bytes", Assert.Single(parsed.Errors).Reason);
    }

    [Theory]
    [InlineData("[1, 2]", "not a STIX bundle")]
    [InlineData("{\"type\": \"report\", \"objects\": []}", "top-level type must be 'bundle'")]
    [InlineData("{\"type\": \"bundle\", \"objects\": [", "not valid JSON")]
    public void Parse_NotABundle_Rejected(string json, string reasonPart)
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.Stix, json);

        Assert.Contains(reasonPart, Assert.Single(parsed.Errors).Reason);
    }

    [Fact]
    public void Parse_RevokedAndExpired_Skipped()
    {
        var json = """
            {"type": "bundle", "objects": [
              {"type": "indicator", "id": "indicator--r", "revoked": true, "pattern_type": "stix", "pattern": "[ipv4-addr:value = '203.0.113.1']"},
              {"type": "indicator", "id": "indicator--e", "valid_until": "2024-01-01T00:00:00Z", "pattern_type": "stix", "pattern": "[ipv4-addr:value = '203.0.113.2']"},
              {"type": "indicator", "id": "indicator--v", "valid_until": "2030-01-01T00:00:00Z", "pattern": "[ipv4-addr:value = '203.0.113.3']"}
            ]}
            """;
        var clock = new FixedClock(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));

        var parsed = ListFixtures.ParseText(ThreatListFormat.Stix, json, new ListParserOptions { Clock = clock });

        Assert.Equal(["203.0.113.3/32"], ListFixtures.Values(parsed));
        Assert.Equal(["indicator--r", "indicator--e"], parsed.Notes.Select(note => note.Text));
    }

    [Fact]
    public void Parse_PredefinedTlpMarking_NoWarning()
    {
        var json = """
            {"type": "bundle", "objects": [
              {"type": "indicator", "id": "indicator--t", "pattern_type": "stix", "pattern": "[ipv4-addr:value = '203.0.113.1']",
               "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}
            ]}
            """;

        var parsed = ListFixtures.ParseText(ThreatListFormat.Stix, json);

        Assert.Single(parsed.Entries);
        Assert.Empty(parsed.Notes);
    }

    [Fact]
    public void Parse_Utf8BomStream_Accepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(ListFixtures.ReadText("stix-bundle.json"))).ToArray();

        var parsed = ThreatListParsers.Parse(ThreatListFormat.Stix, new MemoryStream(bytes), "bom.json");

        Assert.Equal(5, parsed.Entries.Count + parsed.Domains.Count);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
