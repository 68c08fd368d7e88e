using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Vigil.EndToEnd.Tests.Infrastructure;

/// <summary>Signs in to a running host's console through its sign-in form, from an HTTP client or a browser page.</summary>
internal static partial class ConsoleSession
{
    /// <summary>Fills in the sign-in form on <paramref name="page"/> and waits for the findings page it leads to.</summary>
    public static async Task SignInAsync(IPage page, Uri baseAddress, string userName, string password)
    {
        await page.GotoAsync(new Uri(baseAddress, "login").ToString());
        await page.Locator("input[name='userName']").FillAsync(userName);
        await page.Locator("input[name='password']").FillAsync(password);
        await page.Locator("button[type='submit']").ClickAsync();

        // A failed sign-in returns to the form with an error code, so stop waiting then as well. The
        // findings page renders its first rows on the server, which can take longer than Playwright's
        // default 30 s while the whole suite runs on two cores.
        await page.WaitForURLAsync(
            url => url.Contains("/findings", StringComparison.Ordinal) || url.Contains("error=", StringComparison.Ordinal),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
        Assert.True(page.Url.Contains("/findings", StringComparison.Ordinal), $"Signing in as {userName} led to {page.Url}, not to the findings page.");
    }

    /// <summary>
    /// Loads a console page and waits until its circuit runs: a click on the prerendered page before
    /// then does nothing, and the next step waits for a dialog that never opens. Blazor focuses the
    /// page heading once the circuit has rendered the page.
    /// </summary>
    public static async Task GotoInteractiveAsync(IPage page, Uri baseAddress, string path)
    {
        await page.GotoAsync(new Uri(baseAddress, path).ToString());
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync(new LocatorAssertionsToBeFocusedOptions { Timeout = 60_000 });
    }

    public static async Task<HttpClient> SignInAsync(Uri baseAddress, string userName, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var html = await client.GetStringAsync("login");
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups["token"].Value);
        using var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = userName,
            ["password"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
