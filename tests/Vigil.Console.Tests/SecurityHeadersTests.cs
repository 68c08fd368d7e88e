using Vigil.Console.Security;

namespace Vigil.Console.Tests;

/// <summary>The security headers middleware: HSTS only over HTTPS, a fresh nonce per response.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private ConsoleTestServer _server = default!;

    public async Task InitializeAsync() => _server = await ConsoleTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task HttpsRequest_GetsHsts()
    {
        using var client = _server.CreateClient(https: true);

        using var response = await client.GetAsync("/login");

        Assert.Equal($"max-age={SecurityHeaders.HstsMaxAgeSeconds}; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task HttpRequest_NoHsts()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("/login");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task TwoResponses_DifferentNonces()
    {
        using var client = _server.CreateClient();

        using var first = await client.GetAsync("/login");
        using var second = await client.GetAsync("/login");

        Assert.NotEqual(first.Headers.GetValues("Content-Security-Policy").Single(), second.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task ErrorResponse_CarriesHeaders()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("/api/v1/sources");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
