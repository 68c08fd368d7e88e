using System.Net;
using System.Text;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class PlainTextListParserTests
{
    /// <summary>
    /// A list as an editor on Windows saves it: UTF-8 byte-order mark, CR-LF line ends, a comment
    /// line, trailing comments, padding with spaces and tabs, a blank line and a commented-out address.
    /// </summary>
    private static readonly byte[] WindowsList =
    [
        0xEF, 0xBB, 0xBF,
        .. "198.51.100.7\r\n"u8,
        .. "# addresses seen in the incident\r\n"u8,
        .. "  203.0.113.0/24   # office NAT\r\n"u8,
        .. "\r\n"u8,
        .. "# 192.0.2.1\r\n"u8,
        .. "\t2001:db8:abcd::/48\t\r\n"u8,
        .. "192.0.2.128/25\r\n"u8,
    ];

    private static readonly string[] WindowsListEntries = ["198.51.100.7", "203.0.113.0/24", "2001:db8:abcd::/48", "192.0.2.128/25"];

    [Fact]
    public void Parse_BomAndCrLf_ReadsExactEntries()
    {
        // Encoding.UTF8.GetString keeps the byte-order mark as U+FEFF, which is what a caller
        // that read the file into a string passes.
        var parsed = new PlainTextListParser().Parse(new StringReader(Encoding.UTF8.GetString(WindowsList)), "windows.txt");

        Assert.Equal(WindowsListEntries, parsed.Entries.Select(e => e.Text));
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Parse_BomAndCrLf()
    {
        var text = Encoding.UTF8.GetString(WindowsList);
        Assert.Equal('\uFEFF', text[0]);

        var first = new PlainTextListParser().Parse(new StringReader(text), "windows.txt").Entries[0];

        Assert.Equal("198.51.100.7", first.Text);
        Assert.DoesNotContain('\uFEFF', first.Text);
        Assert.Equal(IPAddress.Parse("198.51.100.7"), first.Network.BaseAddress);
        Assert.Equal(32, first.Network.PrefixLength);
    }

    [Fact]
    public void Parse_BomThroughStreamReader_ReadsExactEntries()
    {
        using var reader = new StreamReader(new MemoryStream(WindowsList), Encoding.UTF8, detectEncodingFromByteOrderMarks: false);

        var parsed = new PlainTextListParser().Parse(reader, "windows.txt");

        Assert.Equal(WindowsListEntries, parsed.Entries.Select(e => e.Text));
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Parse_WideCidrs_RejectedWithLineNumbers()
    {
        var text = "10.0.0.0/8\n0.0.0.0/1\n# comment\n128.0.0.0/2\n2001:db8::/32\n::/1\n";

        var parsed = new PlainTextListParser().Parse(new StringReader(text), "wide.txt");

        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], parsed.Entries.Select(e => e.Text));
        Assert.Equal([2, 4, 6], parsed.Errors.Select(e => e.Line));
        Assert.Equal(["0.0.0.0/1", "128.0.0.0/2", "::/1"], parsed.Errors.Select(e => e.Text));
        Assert.All(parsed.Errors, e => Assert.Equal("wide.txt", e.ListName));
        Assert.Contains("/8", parsed.Errors[0].Reason);
        Assert.Contains("/32", parsed.Errors[2].Reason);
    }

    [Theory]
    [InlineData("010.1.1.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("10.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.-4")]
    [InlineData("1.2.3.4/33")]
    [InlineData("1.2.3.4/")]
    [InlineData("1.2.3.4/+8")]
    [InlineData("1.2.3.4/08x")]
    [InlineData("2001:db8::/129")]
    [InlineData("fe80::1%eth0")]
    [InlineData("198.51.100.9/29")]
    [InlineData("not-an-address")]
    public void TryParseEntry_InvalidForm_IsRejected(string value)
    {
        var accepted = new PlainTextListParser().TryParseEntry(value, out _, out var reason);

        Assert.False(accepted);
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void TryParseEntry_HostBitsSet_NamesNetwork()
    {
        new PlainTextListParser().TryParseEntry("198.51.100.9/29", out _, out var reason);

        Assert.Contains("198.51.100.8/29", reason);
    }

    [Theory]
    [InlineData("0.0.0.0/8", "0.0.0.0", 8)]
    [InlineData("192.0.2.1", "192.0.2.1", 32)]
    [InlineData("198.51.100.8/29", "198.51.100.8", 29)]
    [InlineData("2001:db8::/32", "2001:db8::", 32)]
    [InlineData("2001:DB8::1", "2001:db8::1", 128)]
    public void TryParseEntry_ValidForm_GivesNetwork(string value, string baseAddress, int prefix)
    {
        var accepted = new PlainTextListParser().TryParseEntry(value, out var entry, out _);

        Assert.True(accepted);
        Assert.Equal(value, entry.Text);
        Assert.Equal(IPAddress.Parse(baseAddress), entry.Network.BaseAddress);
        Assert.Equal(prefix, entry.Network.PrefixLength);
    }

    [Fact]
    public void TryParseEntry_Ipv4Mapped_GivesIpv4Network()
    {
        var accepted = new PlainTextListParser().TryParseEntry("::ffff:203.0.113.0/120", out var entry, out _);

        Assert.True(accepted);
        Assert.Equal("::ffff:203.0.113.0/120", entry.Text);
        Assert.Equal(IPAddress.Parse("203.0.113.0"), entry.Network.BaseAddress);
        Assert.Equal(24, entry.Network.PrefixLength);
    }

    [Theory]
    [InlineData("::ffff:0.0.0.0/96")]
    [InlineData("::ffff:128.0.0.0/97")]
    [InlineData("::ffff:0:0/80")]
    public void TryParseEntry_WideIpv4Mapped_IsRejected(string value)
    {
        var accepted = new PlainTextListParser().TryParseEntry(value, out _, out var reason);

        Assert.False(accepted);
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Parse_MaxEntries_StopsWithError()
    {
        var parser = new PlainTextListParser(new ListParserOptions { MaxEntries = 2 });

        var parsed = parser.Parse(new StringReader("192.0.2.1\n192.0.2.2\n192.0.2.3\n192.0.2.4\n"), "long.txt");

        Assert.Equal(2, parsed.Entries.Count);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Parse_BomOnLaterLine_IsRejected()
    {
        var parsed = new PlainTextListParser().Parse(new StringReader("192.0.2.1\n\uFEFF192.0.2.2\n"), "two-files.txt");

        Assert.Equal(["192.0.2.1"], parsed.Entries.Select(e => e.Text));
        Assert.Equal(2, Assert.Single(parsed.Errors).Line);
    }
}
