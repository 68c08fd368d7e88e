using System.Net;

namespace Vigil.Host.Tests.Security;

/// <summary>Addresses with no page get the console's own error page, while the API keeps plain status codes.</summary>
[Collection(SecurityHostCollection.Name)]
public sealed class StatusPageTests(SecurityTestHost host)
{
    [Fact]
    public async Task UnknownPage_SignedIn_ShowsNotFoundPage()
    {
        using var client = await host.SignInAsync(SecurityTestHost.AnalystA);

        using var response = await client.GetAsync("no-such-page");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
        Assert.Contains("There is no console page at this address.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPage_Anonymous_RedirectsToSignIn()
    {
        using var client = host.CreateClient();

        using var response = await client.GetAsync("no-such-page");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("login", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownApiRoute_ReturnsBareNotFound()
    {
        using var client = await host.SignInAsync(SecurityTestHost.AnalystA);

        using var response = await client.GetAsync("api/v1/no-such-route");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
    }
}
