using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>The console in headless Chromium (Debian's /usr/bin/chromium), against the running host.</summary>
[Collection(DemoEstateCollection.Name)]
public sealed class ConsoleBrowserTests(DemoEstateFixture estate) : IAsyncLifetime
{
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
    public async Task Findings_SignedIn_ListsPlantedFindings()
    {
        var page = await SignInAsync();

        await Assertions.Expect(page.GetByText("Stealth:IAMUser/CloudTrailLoggingDisabled")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Policy:IAMUser/RootCredentialUsage")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Recon:IAMUser/MaliciousIPCaller.Custom").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Medium").First).ToBeVisibleAsync();

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "findings-page.png"), FullPage = true });
    }

    [Fact]
    public async Task FindingDetail_HostileValues_RenderedAsText()
    {
        var page = await SignInAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };

        await page.GetByText("Policy:IAMUser/RootCredentialUsage").ClickAsync();
        await Assertions.Expect(page.GetByText("\"schemaVersion\"", new PageGetByTextOptions { Exact = false })).ToBeVisibleAsync();

        var html = await page.ContentAsync();
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task FindingDetail_DomainFinding_ShowsInstanceAndDomain()
    {
        var page = await SignInAsync();

        await page.GetByText("Impact:EC2/MaliciousDomainRequest.Custom").ClickAsync();

        await Assertions.Expect(page.Locator(".vigil-instance")).ToContainTextAsync("i-0a1b2c3d4e5f60001");
        await Assertions.Expect(page.Locator(".vigil-source")).ToContainTextAsync("c2.bad.example.net");
        Assert.Equal(0, await page.Locator(".vigil-principal").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "finding-detail-page.png"), FullPage = true });
    }

    [Fact]
    public async Task Findings_NotSignedIn_RedirectsToLogin()
    {
        var page = await NewPageAsync();

        await page.GotoAsync(new Uri(estate.Host.BaseAddress, "findings").ToString());

        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("input[name='password']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsError()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(estate.Host.BaseAddress, "login").ToString());

        await page.Locator("input[name='userName']").FillAsync("admin");
        await page.Locator("input[name='password']").FillAsync("not-the-password");
        await page.Locator("button[type='submit']").ClickAsync();

        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByText("Stealth:IAMUser/CloudTrailLoggingDisabled").CountAsync());
    }

    [Fact]
    public async Task Lists_UploadWithBadLines_ShowsThemWithLineNumbers()
    {
        var page = await SignInAsync();
        var name = "journey-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(Path.GetTempPath(), name + ".txt");
        await File.WriteAllTextAsync(file, "# office ranges\n198.51.100.7\n010.1.1.1\n203.0.113.0/24\n<img src=x onerror=alert(1)>\nbad.example.net\n");
        try
        {
            await ConsoleSession.GotoInteractiveAsync(page, estate.Host.BaseAddress, "lists");
            await page.Locator(".vigil-upload-list").ClickAsync();
            await page.Locator(".vigil-field-list-name input").FillAsync(name);
            await page.Locator(".vigil-list-dialog input[type=file]").SetInputFilesAsync(file);
            await Assertions.Expect(page.Locator(".vigil-chosen-file")).ToContainTextAsync(name + ".txt");
            await page.Locator(".vigil-save-list").ClickAsync();

            await Assertions.Expect(page.Locator(".vigil-lists-notice")).ToContainTextAsync("3 entries loaded, 2 invalid");
            await Assertions.Expect(page.Locator(".vigil-invalid-line-number")).ToHaveTextAsync(["3", "5"]);
            await Assertions.Expect(page.Locator(".vigil-invalid-line-text").Nth(1)).ToHaveTextAsync("<img src=x onerror=alert(1)>");
            Assert.Equal(0, await page.Locator(".vigil-invalid-line-text img").CountAsync());
            await Assertions.Expect(page.Locator(".vigil-list-versions-table tbody tr")).ToHaveCountAsync(1);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "lists-page.png"), FullPage = true });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task StaticAssets_ProductionBuildOutput_Served()
    {
        // Without following redirects, so a redirect to the sign-in page cannot pass for the file.
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = estate.Host.BaseAddress };

        using var css = await client.GetAsync("_content/MudBlazor/MudBlazor.min.css");
        using var script = await client.GetAsync("_framework/blazor.web.js");

        Assert.True(css.IsSuccessStatusCode, $"MudBlazor CSS returned {css.StatusCode}");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.True(script.IsSuccessStatusCode, $"blazor.web.js returned {script.StatusCode}");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AdminPages_UnderContentSecurityPolicy_RunWithoutViolations()
    {
        var page = await SignInAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            // The browser asks for /favicon.ico on its own; the console has none, and that 404 is no fault.
            if (message.Type == "error" && !message.Location.Contains("favicon.ico", StringComparison.Ordinal))
            {
                violations.Add($"{message.Text} at {message.Location}");
            }
        };
        page.PageError += (_, error) => violations.Add(error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                violations.Add($"{response.Status} {response.Url}");
            }
        };
        var userName = "browser-" + Guid.NewGuid().ToString("N")[..8];

        await page.GotoAsync(new Uri(estate.Host.BaseAddress, "users").ToString());
        await Assertions.Expect(page.Locator(".vigil-add-user")).ToBeEnabledAsync();
        await page.Locator(".vigil-new-user-name input").FillAsync(userName);
        await page.Locator(".vigil-add-user").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-one-time-password")).ToContainTextAsync(userName);
        await Assertions.Expect(page.Locator(".vigil-users-table")).ToContainTextAsync(userName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "users-page.png"), FullPage = true });

        await page.GotoAsync(new Uri(estate.Host.BaseAddress, "audit").ToString());
        await Assertions.Expect(page.Locator(".vigil-audit-table")).ToContainTextAsync("user.create");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "audit-page.png"), FullPage = true });

        await page.GotoAsync(new Uri(estate.Host.BaseAddress, "accounts").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "AWS accounts" })).ToBeVisibleAsync();

        Assert.True(violations.Count == 0, "browser errors:\n" + string.Join("\n", violations));
    }

    private static string ScreenshotFolder()
    {
        var folder = Path.Combine(RepositoryRoot.Find(), ".local", "test-results");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        return await context.NewPageAsync();
    }

    private async Task<IPage> SignInAsync()
    {
        var page = await NewPageAsync();
        await ConsoleSession.SignInAsync(page, estate.Host.BaseAddress, "admin", DemoEstateFixture.AdminPassword);
        return page;
    }
}
