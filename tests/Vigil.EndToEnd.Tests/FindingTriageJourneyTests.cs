using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// An analyst's journey in headless Chromium (Debian's /usr/bin/chromium) against the running host: a
/// new finding arrives live on the open findings page, the analyst finds it by filter, opens it,
/// suppresses findings like it after a preview, sees it archived, and undoes that by disabling the rule.
/// </summary>
[Collection(DemoEstateCollection.Name)]
public sealed partial class FindingTriageJourneyTests(DemoEstateFixture estate) : IAsyncLifetime
{
    // An account no other file of the demo estate uses, so this journey's finding is its own.
    private const string Account = "444455556666";

    private const string RuleReason = "Authorised penetration test from the test account.";

    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 120_000 };

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
    public async Task Finding_ArrivesLive_SuppressedWithPreview_ThenRestored()
    {
        var page = await SignInAsync();
        await Assertions.Expect(page.Locator(".vigil-findings-table tbody tr").First).ToBeVisibleAsync();

        // Live arrival: the page stays open while the host reads a new log file.
        WritePenTestLog(estate.LogFolder);
        var row = page.Locator(".vigil-findings-table tbody tr", new PageLocatorOptions { HasText = Account });
        await Assertions.Expect(row).ToBeVisibleAsync(Arrival);

        // Find it by filter.
        await page.Locator(".vigil-criterion-add").ClickAsync();
        await page.Locator(".vigil-criterion-field").FillAsync("accountId");
        await page.Locator(".vigil-criterion-field").PressAsync("Tab");
        await page.Locator(".vigil-criterion-values").FillAsync(Account);
        await page.Locator(".vigil-criterion-values").PressAsync("Tab");
        await page.Locator(".vigil-apply-filter").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-match-count")).ToHaveTextAsync("1 findings match");

        // Open it.
        await row.Locator("a.vigil-finding-link").ClickAsync();
        await page.WaitForURLAsync(FindingUrl());
        var findingUrl = page.Url;
        await Assertions.Expect(page.Locator(".vigil-archived-value")).ToHaveTextAsync("No");

        // Suppress findings like it, after the preview.
        await page.Locator(".vigil-suppress-like-this").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("suppression-rules?fromFinding=", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator(".vigil-rule-editor")).ToBeVisibleAsync();
        await page.Locator(".vigil-rule-reason").FillAsync(RuleReason);
        await page.Locator(".vigil-rule-reason").PressAsync("Tab");
        Assert.True(await page.Locator(".vigil-save-rule").IsDisabledAsync());
        await page.Locator(".vigil-preview-rule").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-preview-count")).ToContainTextAsync("1 stored finding would be archived now.");
        await Assertions.Expect(page.Locator(".vigil-preview-sample")).ToContainTextAsync(Account);
        await page.Locator(".vigil-save-rule").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-rule-notice")).ToContainTextAsync("saved: 1 finding archived");

        // See it archived.
        await page.GotoAsync(findingUrl);
        await Assertions.Expect(page.Locator(".vigil-archived-value")).ToHaveTextAsync("Yes");

        // Undo: disabling the rule brings the finding back.
        // The shared estate has a suppression rule of its own, so act on this journey's row only.
        var journeyRule = page.Locator(".vigil-rule-row", new PageLocatorOptions { HasText = RuleReason });
        await GotoInteractiveAsync(page, "suppression-rules");
        await journeyRule.Locator(".vigil-disable-rule").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-rule-notice")).ToContainTextAsync("disabled: 1 finding unarchived");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "suppression-rules-page.png"), FullPage = true });
        await page.GotoAsync(findingUrl);
        await Assertions.Expect(page.Locator(".vigil-archived-value")).ToHaveTextAsync("No");

        // Leave the shared estate as it was.
        await GotoInteractiveAsync(page, "suppression-rules");
        await journeyRule.Locator(".vigil-delete-rule").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-rule-notice")).ToContainTextAsync("deleted");
    }

    private Task GotoInteractiveAsync(IPage page, string path) => ConsoleSession.GotoInteractiveAsync(page, estate.Host.BaseAddress, path);

    private static void WritePenTestLog(string logFolder)
    {
        var folder = Path.Combine(logFolder, "AWSLogs", Account, "CloudTrail", "us-east-1", "2026", "12", "01");
        Directory.CreateDirectory(folder);
        // A Parrot Security Linux user agent raises PenTest:IAMUser/ParrotLinux, a type the demo logs
        // do not raise, from a private address that is on no threat list.
        var record = new
        {
            eventVersion = "1.10",
            userIdentity = new { type = "IAMUser", principalId = "AIDAJOURNEY000000001", arn = $"arn:aws:iam::{Account}:user/journey", accountId = Account, userName = "journey" },
            eventTime = "2026-12-01T00:00:00Z",
            eventSource = "iam.amazonaws.com",
            eventName = "ListUsers",
            awsRegion = "us-east-1",
            sourceIPAddress = "10.20.30.40",
            userAgent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-13parrot1-amd64 exe/x86_64.parrot.6",
            eventID = "e2e00000-0000-4000-8000-000000000101",
            eventType = "AwsApiCall",
            recipientAccountId = Account,
        };
        var path = Path.Combine(folder, $"{Account}_CloudTrail_us-east-1_20261201T0000Z_TriageJourney01.json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(new { Records = new[] { record } }));
        File.Move(path + ".tmp", path);
    }

    [GeneratedRegex("/findings/[0-9a-f]{32}$")]
    private static partial Regex FindingUrl();

    private static string ScreenshotFolder()
    {
        var folder = Path.Combine(Vigil.Testing.RepositoryRoot.Find(), ".local", "test-results");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private async Task<IPage> SignInAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        await ConsoleSession.SignInAsync(page, estate.Host.BaseAddress, "admin", DemoEstateFixture.AdminPassword);
        return page;
    }
}
