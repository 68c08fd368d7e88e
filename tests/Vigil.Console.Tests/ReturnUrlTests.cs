using Vigil.Console.Account;

namespace Vigil.Console.Tests;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/findings")]
    [InlineData("/findings/0123abcd?x=1#top")]
    [InlineData("/")]
    public void IsLocal_AcceptsPaths(string url)
    {
        Assert.True(ReturnUrl.IsLocal(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("findings")]
    [InlineData("https://attacker.example/")]
    [InlineData("//attacker.example/")]
    [InlineData("/\\attacker.example/")]
    [InlineData("/\t/attacker.example/")]
    [InlineData("/\r\n/attacker.example/")]
    [InlineData("/path\\..\\x")]
    [InlineData("javascript:alert(1)")]
    public void IsLocal_RejectsOthers(string? url)
    {
        Assert.False(ReturnUrl.IsLocal(url));
    }

    [Fact]
    public void MakeLocal_ForeignUrl_GivesDefault()
    {
        Assert.Equal(ReturnUrl.Default, ReturnUrl.MakeLocal("https://attacker.example/"));
    }

    [Fact]
    public void MakeLocal_LocalUrl_Unchanged()
    {
        Assert.Equal("/findings/abc", ReturnUrl.MakeLocal("/findings/abc"));
    }
}
