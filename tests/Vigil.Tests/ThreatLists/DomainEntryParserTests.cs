using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class DomainEntryParserTests
{
    [Theory]
    [InlineData("bad.example.net", "bad.example.net")]
    [InlineData("Bad.Example.NET", "bad.example.net")]
    [InlineData("bad.example.net.", "bad.example.net")]
    [InlineData("*.bad.example.net", "bad.example.net")]
    [InlineData("a-1.example", "a-1.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.example", "xn--bcher-kva.example")]
    [InlineData("www.bücher.example.", "www.xn--bcher-kva.example")]
    [InlineData("1.example", "1.example")]
    [InlineData("10.1.example", "10.1.example")]
    public void TryParse_ValidDomain_GivesNormalisedName(string value, string domain)
    {
        var accepted = DomainEntryParser.TryParse(value, out var entry, out var reason);

        Assert.True(accepted, reason);
        Assert.Equal(domain, entry.Domain);
        Assert.Equal(value, entry.Text);
    }

    [Theory]
    [InlineData("-bad.example", "starts or ends with a hyphen")]
    [InlineData("bad-.example", "starts or ends with a hyphen")]
    [InlineData("a..b", "empty label")]
    [InlineData(".example.com", "empty label")]
    [InlineData("example.com..", "empty label")]
    [InlineData("localhost", "at least two labels")]
    [InlineData("localhost.", "at least two labels")]
    [InlineData("not-an-ip-or-domain!!", "contains '!'")]
    [InlineData("bad_name.example", "contains '_'")]
    [InlineData("bad name.example", "contains ' '")]
    [InlineData("bad.example.123", "all digits")]
    [InlineData("bad.*.example", "wildcard")]
    [InlineData("*bad.example", "wildcard")]
    [InlineData("*.*.bad.example", "wildcard")]
    public void TryParse_InvalidDomain_RejectedWithReason(string value, string reasonPart)
    {
        var accepted = DomainEntryParser.TryParse(value, out _, out var reason);

        Assert.False(accepted);
        Assert.Contains(reasonPart, reason);
    }

    [Fact]
    public void TryParse_Label64Characters_Rejected()
    {
        var value = new string('a', 64) + ".example";

        var accepted = DomainEntryParser.TryParse(value, out _, out var reason);

        Assert.False(accepted);
        Assert.Contains("64 characters long, more than the maximum of 63", reason);
    }

    [Fact]
    public void TryParse_Label63Characters_Accepted()
    {
        var value = new string('a', 63) + ".example";

        Assert.True(DomainEntryParser.TryParse(value, out _, out _));
    }

    [Fact]
    public void TryParse_Name254Characters_Rejected()
    {
        var value = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 62);
        Assert.Equal(254, value.Length);

        var accepted = DomainEntryParser.TryParse(value, out _, out var reason);

        Assert.False(accepted);
        Assert.Contains("more than the maximum of 253", reason);
    }

    [Fact]
    public void TryParse_Name253Characters_Accepted()
    {
        var value = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61);
        Assert.Equal(253, value.Length);

        Assert.True(DomainEntryParser.TryParse(value, out _, out _));
    }

    [Fact]
    public void TryParse_LongIdnLabel_Rejected()
    {
        var value = new string('ü', 60) + ".example";

        var accepted = DomainEntryParser.TryParse(value, out _, out var reason);

        Assert.False(accepted);
        Assert.StartsWith("not a valid internationalised domain name", reason);
    }
}
