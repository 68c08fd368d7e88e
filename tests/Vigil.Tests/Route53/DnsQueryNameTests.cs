using Vigil.Ingestion.Route53;

namespace Vigil.Tests.Route53;

public sealed class DnsQueryNameTests
{
    [Theory]
    [InlineData("bad.example.net.", "bad.example.net")]
    [InlineData("WWW.Bad.Example.NET.", "www.bad.example.net")]
    [InlineData("www.example.com", "www.example.com")]
    [InlineData("XN--BCHER-KVA.Example.", "xn--bcher-kva.example")]
    [InlineData("bücher.example.", "xn--bcher-kva.example")]
    [InlineData("__cloud_init_expected_not_found__.", "__cloud_init_expected_not_found__")]
    [InlineData("_ldap._tcp.DC._msdcs.example.com.", "_ldap._tcp.dc._msdcs.example.com")]
    [InlineData("instance-data.", "instance-data")]
    [InlineData(".", ".")]
    public void Normalize_ValidName_GivesMatchingForm(string name, string expected)
    {
        var normalized = DnsQueryName.Normalize(name, out var valid);

        Assert.Equal(expected, normalized);
        Assert.True(valid);
    }

    [Fact]
    public void Normalize_NonAsciiUpperCase_OnlyAsciiLowered()
    {
        // DNS folds only ASCII letters (RFC 4343); the Ü is encoded as written.
        var normalized = DnsQueryName.Normalize("BÜCHER.example.", out var valid);

        Assert.Equal("xn--bcher-2pa.example", normalized);
        Assert.True(valid);
    }

    [Fact]
    public void Normalize_LowerCaseName_ReturnsSameInstance()
    {
        const string name = "www.example.com";

        Assert.Same(name, DnsQueryName.Normalize(name, out _));
    }

    [Theory]
    [InlineData("a..b.example.")]
    [InlineData("..")]
    public void Normalize_EmptyLabel_FlaggedInvalid(string name)
    {
        DnsQueryName.Normalize(name, out var valid);

        Assert.False(valid);
    }

    [Fact]
    public void Normalize_LabelOver63_FlaggedInvalid()
    {
        var name = new string('a', 64) + ".example.com.";

        var normalized = DnsQueryName.Normalize(name, out var valid);

        Assert.False(valid);
        Assert.Equal(name[..^1], normalized);
    }

    [Fact]
    public void Normalize_NameOver253_FlaggedInvalid()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) + ".";
        Assert.Equal(256, name.Length);

        DnsQueryName.Normalize(name, out var valid);

        Assert.False(valid);
    }

    [Fact]
    public void Normalize_LongestValidName_IsValid()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61) + ".";
        Assert.Equal(254, name.Length);

        DnsQueryName.Normalize(name, out var valid);

        Assert.True(valid);
    }

    [Fact]
    public void Normalize_UnconvertibleName_KeptAsGiven()
    {
        // A lone surrogate cannot be encoded as punycode.
        const string name = "bad\uD800.Example.com.";

        var normalized = DnsQueryName.Normalize(name, out var valid);

        Assert.False(valid);
        Assert.Equal(name, normalized);
    }

    [Fact]
    public async Task Read_NonAsciiQueryName_StoredAsPunycode()
    {
        var read = await Route53Read.TextAsync("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"www.bücher.example."}""");

        var record = Assert.Single(read.Records);
        Assert.Equal("www.bücher.example.", record.QueryName);
        Assert.Equal("www.xn--bcher-kva.example", record.NormalizedQueryName);
        Assert.True(record.IsQueryNameValid);
    }

    [Fact]
    public async Task Read_InvalidQueryName_KeptAndFlagged()
    {
        var read = await Route53Read.TextAsync("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a..Example.com."}""");

        var record = Assert.Single(read.Records);
        Assert.Equal("a..Example.com.", record.QueryName);
        Assert.False(record.IsQueryNameValid);
        Assert.Empty(read.Rejections);
    }
}
