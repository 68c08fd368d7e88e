using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Every console page in headless Chromium (Debian's /usr/bin/chromium) against the running demo
/// host, keyboard use, and the remembered theme. When <c>VIGIL_SCREENSHOTS</c> names a folder
/// (relative to the repository root, such as <c>docs/images</c>), each page is also saved there as PNG.
/// </summary>
[Collection(DemoEstateCollection.Name)]
public sealed class ConsolePagesBrowserTests(DemoEstateFixture estate) : IAsyncLifetime
{
    private const string ScreenshotVariable = "VIGIL_SCREENSHOTS";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    [Fact]
    public async Task Pages_ShowDemoEstate()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("login"));
        await Assertions.Expect(page.Locator("input[name='password']")).ToBeVisibleAsync();
        await SaveAsync(page, "login");
        await SignInAsync(page);

        await page.GotoAsync(Url(""));
        await Assertions.Expect(page.Locator(".vigil-severity-chart svg")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".vigil-top-types a").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".vigil-source-health")).ToBeVisibleAsync();
        await SaveAsync(page, "overview");

        await page.Locator(".vigil-top-types a").First.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/findings?type=", StringComparison.Ordinal));

        await page.GotoAsync(Url("findings"));
        await Assertions.Expect(page.GetByText("Policy:IAMUser/RootCredentialUsage")).ToBeVisibleAsync();
        await SaveAsync(page, "findings");

        await page.GetByText("Policy:IAMUser/RootCredentialUsage").ClickAsync();
        await Assertions.Expect(page.GetByText("\"schemaVersion\"", new PageGetByTextOptions { Exact = false })).ToBeVisibleAsync();
        await SaveAsync(page, "finding-detail");

        await page.GotoAsync(Url("sources"));
        await Assertions.Expect(page.Locator(".vigil-source-name").First).ToBeVisibleAsync();
        await SaveAsync(page, "sources");

        await page.GotoAsync(Url("principals?q=arn%3Aaws"));
        await Assertions.Expect(page.Locator(".vigil-search-hit").First).ToBeVisibleAsync();
        await SaveAsync(page, "principals");

        await page.GotoAsync(Url("principals/profile?key=111122223333%2Farn%3Aaws%3Aiam%3A%3A111122223333%3Aroot"));
        await Assertions.Expect(page.Locator(".vigil-events-applied")).Not.ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator(".vigil-profile-dimensions")).ToContainTextAsync("iam:");
        await Assertions.Expect(page.Locator(".vigil-profile-findings .vigil-finding-link").First).ToBeVisibleAsync();
        await SaveAsync(page, "principal-profile");

        await page.GotoAsync(Url("cluster"));
        await Assertions.Expect(page.Locator(".vigil-silo-status").First).ToHaveTextAsync("Active");
        await Assertions.Expect(page.Locator(".vigil-grain-type").First).ToBeVisibleAsync();
        await SaveAsync(page, "cluster");
    }

    [Fact]
    public async Task Keyboard_TabReachesSkipLinkAndNavigation()
    {
        var page = await NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync(Url(""));
        // Once the circuit runs, Blazor focuses the page heading after each navigation; wait for that, so
        // it cannot move the focus during the steps below. Then start from the app bar's first button
        // and step back: the skip link is the focusable element before it, and the first in the page.
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
        var first = await page.EvaluateAsync<string>("() => document.querySelector('a[href], button:not([disabled]), input, select, textarea, [tabindex]:not([tabindex=\"-1\"])').className");
        Assert.Contains("vigil-skip-link", first, StringComparison.Ordinal);
        await page.Locator(".mud-appbar button").First.FocusAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await Assertions.Expect(page.Locator(".vigil-skip-link")).ToBeFocusedAsync();
        Assert.Equal("solid", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        Assert.True(await page.EvaluateAsync<double>("() => document.activeElement.getBoundingClientRect().top") >= 0);

        // The app bar (tenant switch, theme, sign-out) and about twenty navigation links come first.
        var reached = new List<string>();
        for (var press = 0; press < 40; press++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => (document.activeElement.getAttribute('href') ?? '') + '|' + document.activeElement.textContent.trim()"));
        }

        Assert.Contains(reached, item => item.StartsWith("findings|", StringComparison.Ordinal));
        Assert.Contains(reached, item => item.StartsWith("principals|", StringComparison.Ordinal));
        Assert.Contains(reached, item => item.StartsWith("cluster|", StringComparison.Ordinal));

        await page.Locator(".vigil-skip-link").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#main-content")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task ThemeToggle_RememberedAfterReload()
    {
        var page = await NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync(Url("cluster"));
        // The refresh button is enabled once the interactive circuit runs, so the toggle then works.
        await Assertions.Expect(page.Locator(".vigil-refresh-cluster")).ToBeEnabledAsync();
        var toggle = page.Locator(".vigil-theme-toggle");
        var before = await toggle.GetAttributeAsync("aria-pressed");

        await toggle.ClickAsync();
        await Assertions.Expect(toggle).Not.ToHaveAttributeAsync("aria-pressed", before!);
        var chosen = await toggle.GetAttributeAsync("aria-pressed");
        // The button shows the new theme while the click handler still waits for the script that writes the cookie.
        await page.WaitForFunctionAsync("theme => document.cookie.split('; ').includes('vigil.theme=' + theme)", chosen == "true" ? "dark" : "light");
        await page.GotoAsync(Url(""));

        await Assertions.Expect(page.Locator(".vigil-theme-toggle")).ToHaveAttributeAsync("aria-pressed", chosen!);
        var cookies = await page.Context.CookiesAsync();
        Assert.Equal(chosen == "true" ? "dark" : "light", cookies.Single(cookie => cookie.Name == "vigil.theme").Value);
        if (chosen == "true")
        {
            await Assertions.Expect(page.Locator(".vigil-severity-chart svg")).ToBeVisibleAsync();
            await SaveAsync(page, "overview-dark");
        }
    }

    private string Url(string relative) => new Uri(estate.Host.BaseAddress, relative).ToString();

    private async Task<IPage> NewPageAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 }, ColorScheme = ColorScheme.Light });
        return await context.NewPageAsync();
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(Url("login"));
        await page.Locator("input[name='userName']").FillAsync("admin");
        await page.Locator("input[name='password']").FillAsync(DemoEstateFixture.AdminPassword);
        await page.Locator("button[type='submit']").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/findings", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
    }

    /// <summary>Saves a full-page screenshot when <c>VIGIL_SCREENSHOTS</c> is set; the test asserts the page either way.</summary>
    private static async Task SaveAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotVariable);
        if (string.IsNullOrWhiteSpace(folder))
        {
            return;
        }

        // Charts and fonts settle after the circuit renders; wait for the network to go quiet.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var path = Path.Combine(RepositoryRoot.Find(), folder, name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }
}
