using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Vigil.Contracts.Storage;

namespace Vigil.Host.Tests.Security;

/// <summary>
/// OpenID Connect sign-in and bearer tokens against <see cref="TestIdentityProvider"/>: the redirect
/// flow driven hop by hop with HttpClient, and the claim mapping of the host options.
/// </summary>
[Collection(SecurityHostCollection.Name)]
public sealed class OidcSignInTests(SecurityTestHost host)
{
    [Fact]
    public async Task SignIn_MappedClaims_SetsTenantAndRole()
    {
        host.IdentityProvider.NextUser = User("alice@example.net", SecurityTestHost.TenantA, "soc-admins", "unrelated-group");
        using var client = host.CreateClient();

        var landing = await RunRedirectFlowAsync(client, "/users");
        var tenant = await client.GetAsync("api/v1/tenant");
        var users = await client.GetAsync("api/v1/users");

        Assert.Equal("/users", landing.OriginalString);
        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        Assert.Equal(SecurityTestHost.TenantA, (await tenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        var usersPage = await client.GetStringAsync("users");
        Assert.Contains("vigil-external-user", usersPage, StringComparison.Ordinal);
        Assert.Contains("alice@example.net", usersPage, StringComparison.Ordinal);
        var listed = await host.Get<IConsoleUserStore>().ListExternalAsync(SecurityTestHost.TenantA, CancellationToken.None);
        Assert.Equal(ConsoleRoles.TenantAdmin, Assert.Single(listed, user => user.UserName == "alice@example.net").Role);
        Assert.DoesNotContain(await host.Get<IConsoleUserStore>().ListExternalAsync(SecurityTestHost.TenantB, CancellationToken.None), user => user.UserName == "alice@example.net");
    }

    [Fact]
    public async Task SignIn_AnalystGroup_CannotOpenAdminApi()
    {
        host.IdentityProvider.NextUser = User("bob@example.net", SecurityTestHost.TenantA, "soc-analysts");
        using var client = host.CreateClient();

        await RunRedirectFlowAsync(client, "/findings");
        var accounts = await client.GetAsync("api/v1/accounts");
        var users = await client.GetAsync("api/v1/users");

        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task SignIn_UnknownTenant_ShowsError()
    {
        host.IdentityProvider.NextUser = User("carol@example.net", "no-such-tenant", "soc-admins");
        using var client = host.CreateClient();

        var landing = await RunRedirectFlowAsync(client, "/findings");
        var tenant = await client.GetAsync("api/v1/tenant");

        Assert.Equal("/login?error=sso", landing.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, tenant.StatusCode);
    }

    [Fact]
    public async Task SignIn_NoMappedRole_ShowsError()
    {
        host.IdentityProvider.NextUser = User("dave@example.net", SecurityTestHost.TenantA, "marketing");
        using var client = host.CreateClient();

        var landing = await RunRedirectFlowAsync(client, "/findings");

        Assert.Equal("/login?error=sso", landing.OriginalString);
    }

    [Fact]
    public async Task LoginPage_OidcConfigured_ShowsProviderLink()
    {
        using var client = host.CreateClient();

        var html = await client.GetStringAsync("login");

        Assert.Contains("account/oidc?returnUrl=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BearerToken_MappedClaims_ReadsTenantApi()
    {
        var token = host.IdentityProvider.IssueAccessToken(User("svc@example.net", SecurityTestHost.TenantA, "soc-analysts"));
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var tenant = await client.GetAsync("api/v1/tenant");
        var users = await client.GetAsync("api/v1/users");

        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        Assert.Equal(SecurityTestHost.TenantA, (await tenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task BearerToken_WrongAudience_Unauthorized()
    {
        var token = host.IdentityProvider.IssueAccessToken(User("svc@example.net", SecurityTestHost.TenantA, "soc-admins"), audience: "another-app");
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("api/v1/tenant");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BearerToken_ForeignSigningKey_Unauthorized()
    {
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        var token = host.IdentityProvider.IssueAccessToken(
            User("svc@example.net", SecurityTestHost.TenantA, "platform-ops"),
            key: new RsaSecurityKey(otherKey) { KeyId = "test-key-1" });
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("api/v1/tenants");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BearerToken_OnPage_NotAccepted()
    {
        var token = host.IdentityProvider.IssueAccessToken(User("svc@example.net", SecurityTestHost.TenantA, "soc-admins"));
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("users");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> User(string name, string tenant, params string[] groups) => new()
    {
        ["sub"] = "sub-" + name,
        ["preferred_username"] = name,
        ["org"] = tenant,
        ["groups"] = groups,
    };

    /// <summary>
    /// Starts at the console's OpenID Connect link and follows each redirect, to the provider and back,
    /// with one client (the loopback provider and the host share the cookie container per host name).
    /// Returns where the console finally sends the browser.
    /// </summary>
    private async Task<Uri> RunRedirectFlowAsync(HttpClient client, string returnUrl)
    {
        var response = await client.GetAsync($"account/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}");
        for (var hop = 0; hop < 5; hop++)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"hop {hop}: {response.StatusCode} {await response.Content.ReadAsStringAsync()} {string.Join("; ", host.IdentityProvider.Rejections)}");
            var location = response.Headers.Location!;
            var absolute = location.IsAbsoluteUri ? location : new Uri(host.BaseAddress, location);
            var backAtConsole = absolute.Authority == host.BaseAddress.Authority;
            if (backAtConsole && !absolute.AbsolutePath.StartsWith("/signin-oidc", StringComparison.Ordinal))
            {
                return new Uri(absolute.PathAndQuery, UriKind.Relative);
            }

            response = await client.GetAsync(absolute);
        }

        throw new InvalidOperationException("The sign-in flow did not return to the console within 5 redirects.");
    }
}
