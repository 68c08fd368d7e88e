using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Every console page in headless Chromium (Debian's /usr/bin/chromium) against the running demo
/// host, the findings list on a 400 px screen, keyboard use, and the remembered theme. When <c>VIGIL_SCREENSHOTS</c> names a folder
/// (relative to the repository root, such as <c>docs/images</c>), each page is also saved there as PNG.
/// </summary>
[Collection(DemoEstateCollection.Name)]
public sealed class ConsolePagesBrowserTests(DemoEstateFixture estate) : IAsyncLifetime
{
    private const string ScreenshotVariable = "VIGIL_SCREENSHOTS";

    /// <summary>The viewport width of a small phone held upright, in CSS pixels.</summary>
    private const int NarrowWidth = 400;

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

        await page.GotoAsync(Url("integrity"));
        var trail = page.Locator(".vigil-integrity-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.TrailSourceName });
        await Assertions.Expect(trail.Locator(".vigil-integrity-digests")).ToHaveTextAsync("3 valid, 0 invalid");
        await Assertions.Expect(trail.Locator(".vigil-integrity-logs")).ToHaveTextAsync("6 valid, 0 invalid");
        await Assertions.Expect(trail.Locator(".vigil-integrity-breaks")).ToHaveTextAsync("0");
        await Assertions.Expect(trail.Locator(".vigil-integrity-digest-key")).ToContainTextAsync("CloudTrail-Digest");
        await SaveAsync(page, "integrity");

        await page.GotoAsync(Url("rules"));
        var rule = page.Locator(".vigil-rules-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.RuleFileName });
        await Assertions.Expect(rule.Locator(".vigil-rule-enabled")).ToHaveTextAsync("Yes");
        await Assertions.Expect(rule.Locator(".vigil-rule-dry-run")).ToHaveTextAsync("Yes");
        await Assertions.Expect(rule).ToContainTextAsync("by cli:");
        await SaveAsync(page, "rules");

        await page.GotoAsync(Url("export"));
        var destination = page.Locator(".vigil-export-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.DestinationName });
        await Assertions.Expect(destination.Locator(".vigil-destination-kind")).ToHaveTextAsync("Webhook");
        await Assertions.Expect(destination.Locator(".vigil-destination-target")).ToContainTextAsync("http://127.0.0.1:");
        await Assertions.Expect(page.Locator(".vigil-no-dead-letters")).ToBeVisibleAsync();
        await SaveAsync(page, "export");

        await page.GotoAsync(Url("accounts"));
        var account = page.Locator(".vigil-accounts-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.AccountId });
        await Assertions.Expect(account.Locator(".vigil-account-name")).ToHaveTextAsync(DemoEstateContent.AccountName);
        await Assertions.Expect(account.Locator(".vigil-account-sources")).ToContainTextAsync(DemoEstateContent.TrailSourceName);
        await Assertions.Expect(account.Locator(".vigil-account-sources")).ToContainTextAsync("Watched folder (Vigil:Ingest:WatchFolder) (any account)");
        await SaveAsync(page, "accounts");

        await page.GotoAsync(Url("lists"));
        var list = page.Locator(".vigil-lists-table tbody tr", new PageLocatorOptions { HasText = "demo-threat-list" });
        await Assertions.Expect(list.Locator(".vigil-list-entries")).ToHaveTextAsync(ThreatListEntries().ToString("N0", CultureInfo.InvariantCulture));
        await Assertions.Expect(list.Locator(".vigil-list-status")).ToHaveTextAsync("active");
        await SaveAsync(page, "lists");

        await page.GotoAsync(Url("settings"));
        await Assertions.Expect(page.Locator(".vigil-finding-type[data-type='Recon:EC2/Portscan'] input")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator(".vigil-setting-portscan input")).ToBeVisibleAsync();
        // The page lists every finding type; the first screen shows the thresholds and the start of that list.
        await SaveAsync(page, "settings", fullPage: false);

        await page.GotoAsync(Url("suppression-rules"));
        var suppression = page.Locator($".vigil-rule-row[data-rule='{DemoEstateContent.SuppressionRuleName}']");
        await Assertions.Expect(suppression).ToContainTextAsync(DemoEstateContent.SandboxAccountId);
        await Assertions.Expect(suppression.Locator(".vigil-rule-count")).ToHaveTextAsync("0");
        await SaveAsync(page, "suppression-rules");

        await page.GotoAsync(Url("users"));
        var analyst = page.Locator(".vigil-users-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.AnalystName });
        await Assertions.Expect(analyst.Locator(".vigil-user-role")).ToContainTextAsync("Analyst");
        await Assertions.Expect(page.Locator(".vigil-users-table .vigil-user-name", new PageLocatorOptions { HasText = "admin" }).First).ToBeVisibleAsync();
        await SaveAsync(page, "users");

        await page.GotoAsync(Url("api-keys"));
        var key = page.Locator(".vigil-api-keys-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.ApiKeyName });
        await Assertions.Expect(key.Locator(".vigil-key-status")).ToHaveTextAsync("Active");
        await SaveAsync(page, "api-keys");

        await page.GotoAsync(Url("audit"));
        var keyCreated = page.Locator(".vigil-audit-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.ApiKeyName });
        await Assertions.Expect(keyCreated.Locator(".vigil-audit-actor")).ToHaveTextAsync("admin");
        await Assertions.Expect(keyCreated.Locator(".vigil-audit-object")).ToContainTextAsync("api-key");
        await SaveAsync(page, "audit", fullPage: false);

        await page.GotoAsync(Url("tenants"));
        await Assertions.Expect(page.Locator(".vigil-tenant-id", new PageLocatorOptions { HasTextRegex = new Regex("^default$") })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".vigil-tenants-table tbody tr", new PageLocatorOptions { HasText = DemoEstateContent.SecondTenantId })).ToContainTextAsync("Staging accounts");
        await SaveAsync(page, "tenants");

        await page.GotoAsync(Url("cluster"));
        await Assertions.Expect(page.Locator(".vigil-silo-status").First).ToHaveTextAsync("Active");
        await Assertions.Expect(page.Locator(".vigil-grain-type").First).ToBeVisibleAsync();
        await SaveAsync(page, "cluster");
    }

    [Fact]
    public async Task FindingsList_NarrowViewport_RowsFitWidth()
    {
        var page = await NewPageAsync(NarrowWidth, 860);
        await SignInAsync(page);
        await page.GotoAsync(Url("findings"));
        var row = page.Locator(".vigil-findings-table tbody tr", new PageLocatorOptions { HasText = "Policy:IAMUser/RootCredentialUsage" });
        await Assertions.Expect(row).ToBeVisibleAsync();

        foreach (var part in new[] { ".vigil-severity", ".vigil-finding-link", ".vigil-finding-resource" })
        {
            var box = await row.Locator(part).First.BoundingBoxAsync();
            Assert.True(box is not null, $"{part} of the row is not rendered");
            Assert.True(box.Width > 0, $"{part} has no width");
            Assert.True(box.Height > 0, $"{part} has no height");
            Assert.True(box.X >= 0, $"{part} starts left of the viewport, at x = {box.X}");
            Assert.True(box.X + box.Width <= NarrowWidth, $"{part} ends at x = {box.X + box.Width}, past the viewport width of {NarrowWidth}");
        }

        await Assertions.Expect(row.Locator(".vigil-severity")).ToContainTextAsync("Low");
        await Assertions.Expect(row.Locator(".vigil-finding-resource")).ToContainTextAsync("AccessKey");
        // The list as a phone shows it: the screen with the row on it, not the whole long page.
        await row.ScrollIntoViewIfNeededAsync();
        await SaveAsync(page, "findings-narrow", fullPage: false);
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

    /// <summary>Counts the entries of the demo threat list file: its lines that are neither blank nor comments.</summary>
    private int ThreatListEntries() =>
        File.ReadLines(estate.ThreatListPath).Count(line => line.Trim() is { Length: > 0 } entry && !entry.StartsWith('#'));

    private async Task<IPage> NewPageAsync(int width = 1440, int height = 900)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, ColorScheme = ColorScheme.Light });
        return await context.NewPageAsync();
    }

    private Task SignInAsync(IPage page) => ConsoleSession.SignInAsync(page, estate.Host.BaseAddress, "admin", DemoEstateFixture.AdminPassword);

    /// <summary>Saves a screenshot of the whole page, or of the viewport, when <c>VIGIL_SCREENSHOTS</c> is set; the test asserts the page either way.</summary>
    private static async Task SaveAsync(IPage page, string name, bool fullPage = true)
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
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
    }
}
