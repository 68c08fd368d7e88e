using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Console.Tests;

/// <summary>
/// An in-memory host that wires the console the way the real host must: AddVigilConsole, then
/// UseVigilConsole (security headers, authentication, authorization and antiforgery), then MapVigilConsole.
/// </summary>
internal sealed partial class ConsoleTestServer : IAsyncDisposable
{
    /// <summary>A test-only endpoint that returns the signed-in user's tenant claim.</summary>
    public const string TenantProbePath = "/test/tenant";

    private readonly WebApplication _app;

    private ConsoleTestServer(WebApplication app, FakeConsoleUserStore users, InMemorySourceStore sources, FakeFindingQueries findings, FakeAuditLog audit)
    {
        _app = app;
        Users = users;
        Sources = sources;
        Findings = findings;
        Audit = audit;
    }

    public FakeConsoleUserStore Users { get; }

    public FakeFindingQueries Findings { get; }

    public FakeAuditLog Audit { get; }

    public InMemorySourceStore Sources { get; }

    public static async Task<ConsoleTestServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();

        // The tenant, API key and audit stores behind the administration services are not registered
        // here; those services are tested against PostgreSQL in Vigil.Host.Tests.
        builder.Host.UseDefaultServiceProvider(options => options.ValidateOnBuild = false);

        var users = new FakeConsoleUserStore();
        builder.Services.AddVigilConsole();
        builder.Services.AddSingleton<IConsoleUserStore>(users);
        var findings = new FakeFindingQueries();
        var audit = new FakeAuditLog();
        builder.Services.AddSingleton<IFindingQueries>(findings);
        builder.Services.AddSingleton<IFindingTriage>(findings);
        builder.Services.AddSingleton<ISuppressionRuleStore>(new FakeSuppressionRuleStore(findings));
        builder.Services.AddSingleton<ISavedFilterStore>(new FakeSavedFilterStore());
        builder.Services.AddSingleton<IAuditLog>(audit);
        var sources = new InMemorySourceStore();
        builder.Services.AddSingleton<ISourceStore>(sources);
        builder.Services.AddSingleton<IRuleStore>(new InMemoryRuleStore());
        builder.Services.AddSingleton<IRuleDryRunCounts>(new InMemoryRuleDryRunCounts());
        builder.Services.AddSingleton<IExportDestinationStore>(new InMemoryExportStore());
        AddUnusedListServices(builder.Services);

        var app = builder.Build();
        app.UseVigilConsole();
        app.MapVigilConsole();
        app.MapGet(TenantProbePath, (HttpContext context) => context.User.FindTenantId() ?? "(none)").AllowAnonymous();

        await app.StartAsync();
        return new ConsoleTestServer(app, users, sources, findings, audit);
    }

    /// <summary>
    /// Registers what the list and settings endpoints need, on a database that does not exist: the
    /// Development environment checks every registration at start, and these tests never call those
    /// endpoints (the list API is tested against the real host in Vigil.Host.Tests).
    /// </summary>
    private static void AddUnusedListServices(IServiceCollection services)
    {
        services.AddVigilStorage("Host=127.0.0.1;Port=9;Database=none;Timeout=1");
        services.AddSingleton<Detection.Intel.ITenantListSourceReader, NoS3>();
        services.AddSingleton<Detection.Intel.ListCatalogue>();
        services.AddSingleton(provider => new Detection.Intel.PlatformListRefresher(
            provider.GetRequiredService<IPlatformListStore>(), new Ingestion.ThreatLists.ListSourceReader(new HttpClient()), TimeProvider.System));
        services.AddSingleton(Detection.Profiles.ProfileOptions.Default);
        services.AddSingleton<Detection.Settings.DetectorSettingsRegistry>();
        services.AddSingleton<Detection.Settings.DetectorSettingsCatalogue>();
    }

    /// <summary>Returns a client that keeps cookies and does not follow redirects; <paramref name="https"/> makes its requests HTTPS.</summary>
    public HttpClient CreateClient(bool https = false)
    {
        var server = _app.GetTestServer();
        var cookies = new CookieContainer();
        var handler = new CookieHandler(cookies) { InnerHandler = server.CreateHandler() };
        var baseAddress = https ? new UriBuilder(server.BaseAddress) { Scheme = Uri.UriSchemeHttps, Port = 443 }.Uri : server.BaseAddress;
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary>Loads the sign-in page and returns the antiforgery token from its form.</summary>
    public static async Task<string> GetAntiforgeryTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/login");
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, "The sign-in page has no antiforgery field.");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    /// <summary>Posts the sign-in form with a fresh antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password, string? returnUrl = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await GetAntiforgeryTokenAsync(client),
            ["userName"] = userName,
            ["password"] = password,
        };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class NoS3 : Detection.Intel.ITenantListSourceReader
    {
        public Task<string> ReadAsync(Ingestion.ThreatLists.S3ListUrl url, CancellationToken cancellationToken) =>
            throw new Ingestion.ThreatLists.ListSourceException("no S3 store in this test server");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Stores and sends cookies, because the test server's handler does neither.</summary>
    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var header = cookies.GetCookieHeader(uri);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    cookies.SetCookies(uri, setCookie);
                }
            }

            return response;
        }
    }
}
