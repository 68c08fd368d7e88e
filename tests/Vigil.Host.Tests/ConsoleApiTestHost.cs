using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Console;
using Vigil.Contracts.Storage;
using Vigil.Host.Configuration;
using Vigil.Testing;

namespace Vigil.Host.Tests;

/// <summary>
/// The host's composition with the console and its REST APIs, on PostgreSQL, served by Kestrel on
/// 127.0.0.1, with console users of two tenants and a platform operator. The list size limit is small,
/// so the limit tests stay small.
/// </summary>
public sealed partial class ConsoleApiTestHost : IAsyncLifetime
{
    public const string Password = "console-api-test-password";
    public const string TenantA = "tenant-a";
    public const string TenantB = "tenant-b";
    public const string AnalystA = "analyst-a";
    public const string AdminA = "admin-a";
    public const string AdminB = "admin-b";
    public const string Operator = "admin";
    public const long MaxUploadBytes = 8 * 1024;

    private readonly PostgresFixture database = new();
    private WebApplication? app;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Vigil:Database:ConnectionString"] = database.ConnectionString,
            ["Vigil:Cluster:ClusterId"] = "console-api-" + Guid.NewGuid().ToString("N")[..8],
            ["Vigil:Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vigil:Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vigil:Administrator:Password"] = Password,
            ["Vigil:Console:LocalAccounts"] = "true",
            ["Vigil:Administrator:TenantId"] = "operators",
            ["Vigil:Lists:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            Args = ["--urls", "http://127.0.0.1:0"],
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var options = builder.Configuration.GetSection(VigilHostOptions.SectionName).Get<VigilHostOptions>()!;
        builder.AddVigilHost(options);
        builder.Services.AddVigilConsole();

        app = builder.Build();
        app.UseVigilConsole();
        app.MapVigilConsole();
        await app.StartAsync();

        var users = app.Services.GetRequiredService<IConsoleUserStore>();
        await users.CreateIfMissingAsync(AnalystA, Password, TenantA, ConsoleRoles.Analyst, CancellationToken.None);
        await users.CreateIfMissingAsync(AdminA, Password, TenantA, ConsoleRoles.TenantAdmin, CancellationToken.None);
        await users.CreateIfMissingAsync(AdminB, Password, TenantB, ConsoleRoles.TenantAdmin, CancellationToken.None);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    /// <summary>
    /// A client signed in as <paramref name="userName"/> through the sign-in form, keeping its cookie.
    /// With <paramref name="antiforgeryHeader"/>, it sends the user's antiforgery token on every request, as form posts with the cookie need.
    /// </summary>
    public async Task<HttpClient> SignInAsync(string userName, bool antiforgeryHeader = true)
    {
        var client = Anonymous();
        var html = await client.GetStringAsync("login");
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups["token"].Value);
        using var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = userName,
            ["password"] = Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("error", response.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        if (antiforgeryHeader)
        {
            var (header, value, _) = await AntiforgeryTokenAsync(client);
            client.DefaultRequestHeaders.Add(header, value);
        }

        return client;
    }

    /// <summary>Requests the signed-in client's antiforgery token: the header name, the token, and the form field name.</summary>
    public static async Task<(string Header, string Token, string FormField)> AntiforgeryTokenAsync(HttpClient client)
    {
        var token = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("api/v1/antiforgery/token");
        return (token.GetProperty("headerName").GetString()!, token.GetProperty("requestToken").GetString()!, token.GetProperty("formFieldName").GetString()!);
    }

    /// <summary>A client without a session that does not follow redirects.</summary>
    public HttpClient Anonymous() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
