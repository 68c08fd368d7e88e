using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Console;
using Vigil.Contracts.Storage;
using Vigil.Host;
using Vigil.Host.Configuration;
using Vigil.Host.Ingest;
using Vigil.Testing;

namespace Vigil.Host.Tests;

/// <summary>
/// The host's composition (silo on PostgreSQL, storage, console, Firehose endpoint) built in the
/// test process and served by Kestrel on 127.0.0.1, with an <see cref="InMemorySourceStore"/> for
/// the sources and small Firehose limits so the limit tests stay small.
/// </summary>
public sealed class FirehoseTestHost : IAsyncLifetime
{
    public const long MaxRequestBytes = 1024 * 1024;
    public const int MaxRecords = 50;

    private readonly PostgresFixture database = new();
    private WebApplication? app;

    public InMemorySourceStore Sources { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Vigil:Database:ConnectionString"] = database.ConnectionString,
            ["Vigil:Cluster:ClusterId"] = "firehose-" + Guid.NewGuid().ToString("N")[..8],
            ["Vigil:Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vigil:Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vigil:Administrator:Password"] = "firehose-test-password",
            ["Vigil:Console:LocalAccounts"] = "true",
            ["Vigil:Firehose:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vigil:Firehose:MaxRecords"] = MaxRecords.ToString(System.Globalization.CultureInfo.InvariantCulture),
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
        builder.Services.AddSingleton<ISourceStore>(Sources);

        app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapFirehoseIngest();
        await app.StartAsync();

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

    /// <summary>Adds an enabled Firehose source of <paramref name="tenantId"/> for the accounts, and returns it with its access key.</summary>
    public async Task<(SourceDefinition Source, string AccessKey)> AddSourceAsync(string tenantId, params string[] accountIds)
    {
        var accessKey = SourceAccessKey.Generate();
        var source = new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = "firehose " + Guid.NewGuid().ToString("N")[..6],
            Kind = SourceKind.Firehose,
            AccountIds = accountIds,
            AccessKeySha256 = SourceAccessKey.Hash(accessKey),
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = "test",
        };
        await Sources.SaveAsync(source, CancellationToken.None);
        return (source, accessKey);
    }

    public async Task<SourceStatus?> StatusAsync(SourceDefinition source) =>
        (await Sources.ListStatusAsync(source.TenantId, CancellationToken.None)).SingleOrDefault(status => status.SourceId == source.Id);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
