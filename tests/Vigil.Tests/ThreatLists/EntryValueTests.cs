using System.Net;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

/// <summary>Value rules shared by every format, checked through plain-text lists.</summary>
public sealed class EntryValueTests
{
    private static ParsedList ParseLine(string line) => ListFixtures.ParseText(ThreatListFormat.Txt, line + "\n");

    [Theory]
    [InlineData("203.0.113.8:8443", "203.0.113.8", 8443)]
    [InlineData("[2001:db8::7]:443", "2001:db8::7", 443)]
    [InlineData("http://203.0.113.9/path", "203.0.113.9", null)]
    [InlineData("https://user:secret@[2001:db8::8]:8443/a?b", "2001:db8::8", 8443)]
    [InlineData("http://[::ffff:198.51.100.4]/", "198.51.100.4", null)]
    public void Parse_AddressForms_GiveSingleAddress(string value, string address, int? port)
    {
        var entry = Assert.Single(ParseLine(value).Entries);

        Assert.Equal(value, entry.Text);
        Assert.Equal(IPAddress.Parse(address), entry.Network.BaseAddress);
        Assert.Equal(entry.Network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128, entry.Network.PrefixLength);
        Assert.Equal(port, entry.Port);
    }

    [Theory]
    [InlineData("bad.example.net:8080", "bad.example.net", 8080)]
    [InlineData("hxxp://bad.example.net", "bad.example.net", null)]
    [InlineData("HTTPS://Bad.Example.NET:443/login", "bad.example.net", 443)]
    [InlineData("http://bad.example.net.:/", "bad.example.net", null)]
    public void Parse_HostForms_GiveDomain(string value, string domain, int? port)
    {
        var entry = Assert.Single(ParseLine(value).Domains);

        Assert.Equal(domain, entry.Domain);
        Assert.Equal(port, entry.Port);
    }

    [Theory]
    [InlineData("203.0.113.8:0", "port '0'")]
    [InlineData("203.0.113.8:65536", "port '65536'")]
    [InlineData("203.0.113.8:http", "port 'http'")]
    [InlineData("[2001:db8::7]", "followed by ':'")]
    [InlineData("http://", "no host")]
    [InlineData("http://[2001:db8::1/", "no closing ']'")]
    [InlineData("1http://bad.example.net", "scheme")]
    [InlineData("http://0x7f.1/", "all digits")]
    [InlineData("http://10.1/", "not a valid IPv4")]
    [InlineData("www.example.net/path/", "not a valid IPv4 or IPv6 address or CIDR range")]
    public void Parse_InvalidForms_RejectedWithReason(string value, string reasonPart)
    {
        var parsed = ParseLine(value);

        Assert.Empty(ListFixtures.Values(parsed));
        Assert.Contains(reasonPart, Assert.Single(parsed.Errors).Reason);
    }

    [Fact]
    public void Parse_Urls_OneSummaryNote()
    {
        var parsed = ListFixtures.ParseText(ThreatListFormat.Txt, "192.0.2.1\nhttp://a.example.net/x\nhttp://b.example.net/y\n");

        var note = Assert.Single(parsed.Notes);
        Assert.Equal(2, note.Line);
        Assert.StartsWith("2 URL entries were reduced to the host", note.Message);
    }

    [Fact]
    public void Parse_LongLine_RejectedAndSkipped()
    {
        var text = "192.0.2.1\n" + new string('a', 5000) + ".example.net\n198.51.100.1\n";

        var parsed = ListFixtures.ParseText(ThreatListFormat.Txt, text, new ListParserOptions { MaxLineLength = 1000 });

        Assert.Equal(["192.0.2.1/32", "198.51.100.1/32"], ListFixtures.Values(parsed));
        var error = Assert.Single(parsed.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("5012 characters long, more than the maximum of 1000", error.Reason);
        Assert.True(error.Text.Length <= 121);
    }

    [Fact]
    public void Parse_LongCsvLine_RejectedAndSkipped()
    {
        var text = "indicator,note\n198.51.100.1,a\n198.51.100.2," + new string('x', 3000) + "\r\n198.51.100.3,c\n";
        var options = new ListParserOptions { MaxLineLength = 1000, CsvColumn = CsvColumn.Named("indicator") };

        var parsed = ListFixtures.ParseText(ThreatListFormat.Csv, text, options);

        Assert.Equal(["198.51.100.1/32", "198.51.100.3/32"], ListFixtures.Values(parsed));
        Assert.Equal(3, Assert.Single(parsed.Errors).Line);
    }

    [Fact]
    public void Parse_ManyErrors_ListsOnlyMaximum()
    {
        var text = string.Concat(Enumerable.Repeat("not_valid\n", 50));

        var parsed = ListFixtures.ParseText(ThreatListFormat.Txt, text, new ListParserOptions { MaxReportedIssues = 10 });

        Assert.Equal(10, parsed.Errors.Count);
        Assert.Equal(50, parsed.RejectedCount);
        Assert.Contains("50 entries were rejected; only the first 10 are listed", Assert.Single(parsed.Notes).Message);
    }

    [Theory]
    [InlineData(ThreatListFormat.OtxCsv, "Indicator type,Indicator\nIPv4,192.0.2.1\nIPv4,192.0.2.2\nIPv4,192.0.2.3\n", 4)]
    [InlineData(ThreatListFormat.AlienVault, "192.0.2.1#1#1#a#b#c#1,2#3\n192.0.2.2#1#1#a#b#c#1,2#3\n192.0.2.3#1#1#a#b#c#1,2#3\n", 3)]
    [InlineData(ThreatListFormat.Csv, "indicator\n192.0.2.1\n192.0.2.2\n192.0.2.3\n", 4)]
    public void Parse_MaxEntries_StopsEveryFormat(ThreatListFormat format, string text, int stopLine)
    {
        var options = new ListParserOptions { MaxEntries = 2, CsvColumn = CsvColumn.Named("indicator") };

        var parsed = ListFixtures.ParseText(format, text, options);

        Assert.Equal(2, parsed.Entries.Count);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal(stopLine, error.Line);
        Assert.Contains("more than 2 entries", error.Reason);
    }
}
