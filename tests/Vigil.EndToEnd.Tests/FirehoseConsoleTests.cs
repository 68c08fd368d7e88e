using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// A tenant admin creates a Firehose source in the console of a running host, and a Firehose
/// delivery with the key shown once then appears in the source's counters and as a finding.
/// </summary>
public sealed class FirehoseConsoleTests : IAsyncLifetime
{
    private const string AdminPassword = "e2e-firehose-admin-1";
    private const string AccountId = "111122223333";

    private readonly PostgresFixture database = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> browserConsole = new();
    private HostProcess? host;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        host = await HostProcess.StartAsync(database.ConnectionString, null, AdminPassword);
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
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    [Fact]
    public async Task CreatedFirehoseSource_ReceivesDelivery()
    {
        try
        {
            await CreateSourceAndDeliverAsync();
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            // The browser shows only that the page stopped, and the host's log gives the reason.
            // The exception's own stack trace names the browser step that failed.
            throw new Xunit.Sdk.XunitException($"{exception}\nBrowser console:\n{string.Join('\n', browserConsole)}\nHost output:\n{host!.Output}");
        }
    }

    private async Task CreateSourceAndDeliverAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = host!.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => browserConsole.Enqueue($"{message.Type}: {message.Text}");
        await SignInAsync(page);

        // A full load, not a click on the drawer link: a click before the findings page's circuit
        // runs races Blazor's enhanced navigation, which can leave the prerendered page in place.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Sources" })).ToHaveAttributeAsync("href", "sources");
        await ConsoleSession.GotoInteractiveAsync(page, host.BaseAddress, "sources");
        await page.Locator(".vigil-add-source").ClickAsync();
        await page.Locator(".vigil-field-name input").FillAsync("cloudwatch via firehose");
        await page.Locator(".vigil-field-accounts textarea").FillAsync(AccountId);
        await page.Locator(".vigil-save-source").ClickAsync();

        var keyField = page.Locator(".vigil-access-key input");
        await Assertions.Expect(keyField).ToBeVisibleAsync();
        var accessKey = await keyField.InputValueAsync();
        Assert.StartsWith("vigil-fh-", accessKey, StringComparison.Ordinal);
        await page.Locator(".vigil-copy-key").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-copied")).ToBeVisibleAsync();
        Assert.Equal(accessKey, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await page.Locator(".vigil-close-key").ClickAsync();
        await Assertions.Expect(page.Locator(".vigil-source-name")).ToHaveTextAsync("cloudwatch via firehose");
        await Assertions.Expect(page.Locator(".vigil-last-read")).ToHaveTextAsync("never");

        var requestId = Guid.NewGuid().ToString();
        var (status, response) = await PostDeliveryAsync(accessKey, requestId);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {response}\n{host.Output}");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".vigil-objects-read")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator(".vigil-records-read")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator(".vigil-records-rejected")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator(".vigil-last-error")).ToHaveTextAsync("none");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "sources-page.png"), FullPage = true });

        await page.GotoAsync(new Uri(host.BaseAddress, "findings").ToString());
        await Assertions.Expect(page.GetByText("Policy:IAMUser/RootCredentialUsage")).ToBeVisibleAsync();
    }

    private Task SignInAsync(IPage page) => ConsoleSession.SignInAsync(page, host!.BaseAddress, "admin", AdminPassword);

    /// <summary>Posts one gzip-compressed request with a CloudWatch Logs payload of a root user call and a flow log line.</summary>
    private async Task<(HttpStatusCode Status, string Body)> PostDeliveryAsync(string accessKey, string requestId)
    {
        var rootEvent = new JsonObject
        {
            ["eventVersion"] = "1.08",
            ["userIdentity"] = new JsonObject { ["type"] = "Root", ["principalId"] = AccountId, ["arn"] = $"arn:aws:iam::{AccountId}:root", ["accountId"] = AccountId },
            ["eventTime"] = "2026-12-01T10:00:00Z",
            ["eventSource"] = "iam.amazonaws.com",
            ["eventName"] = "ListUsers",
            ["awsRegion"] = "us-east-1",
            ["sourceIPAddress"] = "198.51.100.7",
            ["eventID"] = Guid.NewGuid().ToString(),
            ["eventType"] = "AwsApiCall",
            ["recipientAccountId"] = AccountId,
        }.ToJsonString();
        var flowLine = $"2 {AccountId} eni-0a1b2c3d4e5f60001 10.0.0.5 198.51.100.7 49152 443 6 10 840 1764583200 1764583260 ACCEPT OK";
        var payload = new JsonObject
        {
            ["messageType"] = "DATA_MESSAGE",
            ["owner"] = AccountId,
            ["logGroup"] = "org-trail",
            ["logStream"] = "stream",
            ["subscriptionFilters"] = new JsonArray("to-firehose"),
            ["logEvents"] = new JsonArray(
                new JsonObject { ["id"] = "1", ["timestamp"] = 1764583200000, ["message"] = rootEvent },
                new JsonObject { ["id"] = "2", ["timestamp"] = 1764583200001, ["message"] = flowLine }),
        }.ToJsonString();
        var body = new JsonObject
        {
            ["requestId"] = requestId,
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["records"] = new JsonArray(new JsonObject { ["data"] = Convert.ToBase64String(Gzip(Encoding.UTF8.GetBytes(payload))) }),
        }.ToJsonString();

        using var client = new HttpClient { BaseAddress = host!.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest/firehose");
        request.Content = new ByteArrayContent(Gzip(Encoding.UTF8.GetBytes(body)));
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Add("X-Amz-Firehose-Request-Id", requestId);
        request.Headers.Add("X-Amz-Firehose-Access-Key", accessKey);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string ScreenshotFolder()
    {
        var folder = Path.Combine(RepositoryRoot.Find(), ".local", "test-results");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
