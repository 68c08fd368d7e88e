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
        await page.WaitForURLAsync(url => url.Contains("/findings", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
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
