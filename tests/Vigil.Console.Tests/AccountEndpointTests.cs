using System.Net;

namespace Vigil.Console.Tests;

public sealed class AccountEndpointTests : IAsyncLifetime
{
    private ConsoleTestServer _server = default!;
    private HttpClient _client = default!;

    public async Task InitializeAsync()
    {
        _server = await ConsoleTestServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Login_Succeeds_RedirectsToFindings()
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, FakeConsoleUserStore.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/findings", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_Succeeds_SetsTenantClaim()
    {
        await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, FakeConsoleUserStore.Password);

        var tenant = await _client.GetStringAsync(ConsoleTestServer.TenantProbePath);

        Assert.Equal(ConsoleComponentTest.TenantId, tenant);
    }

    [Fact]
    public async Task Login_Succeeds_SetsHardenedCookie()
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, FakeConsoleUserStore.Password);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), value => value.StartsWith("vigil.console=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_HonoursLocalReturnUrl()
    {
        var response = await ConsoleTestServer.PostLoginAsync(
            _client, FakeConsoleUserStore.UserName, FakeConsoleUserStore.Password, returnUrl: "/findings/abc");

        Assert.Equal("/findings/abc", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("https://attacker.example/")]
    [InlineData("//attacker.example/")]
    [InlineData("/\\attacker.example/")]
    [InlineData("/\t/attacker.example/")]
    public async Task Login_IgnoresForeignReturnUrl(string returnUrl)
    {
        var response = await ConsoleTestServer.PostLoginAsync(
            _client, FakeConsoleUserStore.UserName, FakeConsoleUserStore.Password, returnUrl);

        Assert.Equal("/findings", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_WrongPassword_RedirectsWithError()
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, "wrong");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?error=invalid", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_WrongPassword_SetsNoSessionCookie()
    {
        await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, "wrong");

        var tenant = await _client.GetStringAsync(ConsoleTestServer.TenantProbePath);

        Assert.Equal("(none)", tenant);
    }

    [Fact]
    public async Task Login_LockedOut_RedirectsWithLockedError()
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.LockedUserName, "anything");

        Assert.Equal("/login?error=locked", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_Failure_KeepsReturnUrl()
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, "wrong", returnUrl: "/findings/abc");

        Assert.Equal("/login?error=invalid&returnUrl=%2Ffindings%2Fabc", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_EmptyPassword_SkipsStore()
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, string.Empty);

        Assert.Equal("/login?error=invalid", response.Headers.Location?.OriginalString);
        Assert.Empty(_server.Users.SignInRequests);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_Rejected()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = FakeConsoleUserStore.UserName,
            ["password"] = FakeConsoleUserStore.Password,
        });

        var response = await _client.PostAsync("/account/login", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_server.Users.SignInRequests);
    }

    [Fact]
    public async Task LoginPage_ShowsFixedErrorMessage()
    {
        var html = await _client.GetStringAsync("/login?error=locked");

        Assert.Contains("This account is locked after too many failed sign-ins.", html);
    }

    [Fact]
    public async Task LoginPage_DoesNotEchoErrorText()
    {
        var html = await _client.GetStringAsync("/login?error=Call%20555-0100%20to%20unlock");

        Assert.DoesNotContain("555-0100", html);
        Assert.Contains("Invalid user name or password.", html);
    }

    [Fact]
    public async Task LoginPage_DropsForeignReturnUrl()
    {
        var html = await _client.GetStringAsync("/login?returnUrl=https%3A%2F%2Fattacker.example%2F");

        Assert.DoesNotContain("attacker.example", html);
    }

    [Fact]
    public async Task Findings_Anonymous_RedirectsToLogin()
    {
        var response = await _client.GetAsync("/findings");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Ffindings", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task Findings_SignedIn_Returns200()
    {
        await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, FakeConsoleUserStore.Password);

        var response = await _client.GetAsync("/findings");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Logout_ClearsSession()
    {
        await ConsoleTestServer.PostLoginAsync(_client, FakeConsoleUserStore.UserName, FakeConsoleUserStore.Password);
        var token = await GetTokenFromSignedInPageAsync();

        var response = await _client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        Assert.Equal("(none)", await _client.GetStringAsync(ConsoleTestServer.TenantProbePath));
    }

    // Antiforgery tokens are bound to the user, so the sign-out form needs a token issued after sign-in.
    private async Task<string> GetTokenFromSignedInPageAsync() =>
        await ConsoleTestServer.GetAntiforgeryTokenAsync(_client);
}
