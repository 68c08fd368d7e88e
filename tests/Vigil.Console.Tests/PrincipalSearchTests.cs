using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class PrincipalSearchTests : ConsoleComponentTest
{
    private const string AliceKey = "111122223333/arn:aws:iam::111122223333:user/alice";

    private readonly FakeOverviewQueries queries = new();

    public PrincipalSearchTests()
    {
        Services.AddSingleton<IOverviewQueries>(queries);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void NoQuery_NoSearch()
    {
        var page = RenderSearch(null);

        Assert.Empty(queries.SearchRequests);
        Assert.Empty(page.FindAll(".vigil-search-hit"));
    }

    [Fact]
    public void Query_SearchesSignedInTenantAndLinksProfiles()
    {
        queries.Hits[TenantId] = [Hit(AliceKey, "alice")];
        queries.Hits[OtherTenantId] = [Hit("444455556666/arn:aws:iam::444455556666:user/alice-b", "alice-b")];

        var page = RenderSearch("alice");

        Assert.Equal((TenantId, "alice"), Assert.Single(queries.SearchRequests));
        var hit = Assert.Single(page.FindAll(".vigil-search-hit"));
        Assert.Equal("principals/profile?key=111122223333%2Farn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice", hit.QuerySelector(".vigil-profile-link")!.GetAttribute("href"));
        Assert.Equal("arn:aws:iam::111122223333:user/alice", hit.QuerySelector(".vigil-profile-link")!.TextContent);
    }

    [Fact]
    public void ShortQuery_AsksForMoreCharacters()
    {
        var page = RenderSearch("ab");

        Assert.Empty(queries.SearchRequests);
        Assert.Contains("3 to 256 characters", page.Find(".vigil-search-message").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void NoMatch_SaysSo()
    {
        var page = RenderSearch("nobody");

        Assert.Contains("No principal or endpoint with findings matches", page.Find(".vigil-search-message").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileLabel_RenderedAsText()
    {
        queries.Hits[TenantId] = [Hit("111122223333/arn:aws:iam::111122223333:user/<script>x</script>", "<img src=x>")];

        var page = RenderSearch("script");

        Assert.Contains("<img src=x>", page.Find(".vigil-search-hit").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("img"));
        Assert.Empty(page.FindAll(".vigil-search-hit script"));
    }

    [Fact]
    public void Submit_PutsTextInUrl()
    {
        var page = RenderSearch(null);

        page.Find("#principal-search").Change("eni-0abc");
        page.Find("form").Submit();

        Assert.EndsWith("principals?q=eni-0abc", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    private IRenderedComponent<PrincipalSearch> RenderSearch(string? text)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("q", text));
        return RenderPage<PrincipalSearch>();
    }

    private static ProfileSearchHit Hit(string key, string label) => new()
    {
        Kind = ProfileKind.Principal,
        Key = key,
        AccountId = key[..12],
        Label = label,
        Findings = 3,
        MaxSeverity = 8,
        LastSeen = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero),
    };
}
