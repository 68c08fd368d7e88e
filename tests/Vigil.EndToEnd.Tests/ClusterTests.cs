using System.Net;
using System.Text.RegularExpressions;
using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary>A second host process joining the running one as another silo of the same cluster.</summary>
[Collection(DemoEstateCollection.Name)]
public sealed partial class ClusterTests(DemoEstateFixture estate)
{
    [Fact]
    public async Task SecondSilo_JoinsAndAcceptsSignIn()
    {
        await using var second = await HostProcess.StartAsync(estate.ConnectionString, null, DemoEstateFixture.AdminPassword, estate.Host.ClusterId);

        await using (var command = estate.DataSource.CreateCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = $1 AND status = 3"))
        {
            command.Parameters.AddWithValue(estate.Host.ClusterId);
            Assert.Equal(2L, await command.ExecuteScalarAsync());
        }

        // Sign in on the first silo, then use the same cookie on the second: the key ring is shared.
        var cookies = new CookieContainer();
        using var firstHandler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var first = new HttpClient(firstHandler) { BaseAddress = estate.Host.BaseAddress };
        var loginPage = await first.GetStringAsync("login");
        var token = AntiforgeryField().Match(loginPage).Groups["token"].Value;
        Assert.False(string.IsNullOrEmpty(token), "no antiforgery field in the sign-in page");
        using var signIn = await first.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = "admin",
            ["password"] = DemoEstateFixture.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var session = cookies.GetCookies(estate.Host.BaseAddress);
        using var secondHandler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        foreach (Cookie cookie in session)
        {
            secondHandler.CookieContainer.Add(second.BaseAddress, new Cookie(cookie.Name, cookie.Value));
        }

        using var secondClient = new HttpClient(secondHandler) { BaseAddress = second.BaseAddress };
        using var findings = await secondClient.GetAsync("findings");
        Assert.Equal(HttpStatusCode.OK, findings.StatusCode);

        // Both processes share a home folder here, so the key ring must be shown to live in the database.
        await using var keys = estate.DataSource.CreateCommand("SELECT count(*) FROM data_protection_keys");
        Assert.True((long)(await keys.ExecuteScalarAsync())! >= 1, "no Data Protection key was stored in PostgreSQL");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
