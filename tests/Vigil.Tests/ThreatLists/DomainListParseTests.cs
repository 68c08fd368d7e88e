using System.Text;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class DomainListParseTests
{
    /// <summary>
    /// A list saved by a Windows editor: UTF-8 byte-order mark, CR-LF line ends, four addresses and
    /// ranges, a commented-out address and a domain.
    /// </summary>
    private static readonly byte[] MixedList =
    [
        0xEF, 0xBB, 0xBF,
        .. "203.0.113.9\r\n"u8,
        .. "# 192.0.2.77\r\n"u8,
        .. "198.51.100.0/24\r\n"u8,
        .. "bad.example.net\r\n"u8,
        .. "2001:db8:beef::/48   # partner range\r\n"u8,
        .. "192.0.2.200\r\n"u8,
    ];

    [Fact]
    public void Parse_MixedList_CountsEntries()
    {
        var path = WriteTemporaryFile(MixedList);
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);

            var parsed = new PlainTextListParser().Parse(reader, "mixed.txt");

            Assert.Equal(4, parsed.Entries.Count);
            Assert.Single(parsed.Domains);
            Assert.Empty(parsed.Errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_MixedList_StripsBom()
    {
        var path = WriteTemporaryFile(MixedList);
        try
        {
            Assert.Equal(MixedList, File.ReadAllBytes(path));
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);

            var parsed = new PlainTextListParser().Parse(reader, "mixed.txt");

            Assert.Equal("203.0.113.9", parsed.Entries[0].Text);
            Assert.DoesNotContain('\uFEFF', parsed.Entries[0].Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_MixedList_SkipsComment()
    {
        var path = WriteTemporaryFile(MixedList);
        try
        {
            var parsed = new PlainTextListParser().Parse(new StringReader(File.ReadAllText(path)), "mixed.txt");

            Assert.Equal(["203.0.113.9", "198.51.100.0/24", "2001:db8:beef::/48", "192.0.2.200"], parsed.Entries.Select(e => e.Text));
            Assert.DoesNotContain(parsed.Entries, e => e.Text.Contains("192.0.2.77", StringComparison.Ordinal));
            Assert.Equal(new DomainListEntry("bad.example.net", "bad.example.net"), Assert.Single(parsed.Domains));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_InvalidDomains_RejectedWithLineNumbers()
    {
        var text = "bad.example.net\n-bad.example\na..b\n" + new string('a', 64) + ".example\nlocalhost\nbücher.example\n";

        var parsed = new PlainTextListParser().Parse(new StringReader(text), "domains.txt");

        Assert.Equal(["bad.example.net", "xn--bcher-kva.example"], parsed.Domains.Select(d => d.Domain));
        Assert.Equal([2, 3, 4, 5], parsed.Errors.Select(e => e.Line));
        Assert.All(parsed.Errors, e => Assert.Equal("domains.txt", e.ListName));
        Assert.Empty(parsed.Entries);
    }

    [Fact]
    public void Parse_MalformedAddress_KeepsAddressReason()
    {
        var parsed = new PlainTextListParser().Parse(new StringReader("10.1\n0x7f.0.0.1\n"), "mixed.txt");

        Assert.Empty(parsed.Domains);
        Assert.Equal("not a valid IPv4 or IPv6 address or CIDR range", parsed.Errors[0].Reason);
        Assert.Contains("all digits", parsed.Errors[1].Reason);
    }

    [Fact]
    public void Parse_MaxEntries_CountsDomains()
    {
        var parser = new PlainTextListParser(new ListParserOptions { MaxEntries = 2 });

        var parsed = parser.Parse(new StringReader("192.0.2.1\nbad.example.net\nworse.example.net\n"), "long.txt");

        Assert.Single(parsed.Entries);
        Assert.Single(parsed.Domains);
        Assert.Equal(3, Assert.Single(parsed.Errors).Line);
    }

    private static string WriteTemporaryFile(byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-list-{Guid.NewGuid():N}.txt");
        File.WriteAllBytes(path, content);
        return path;
    }
}
