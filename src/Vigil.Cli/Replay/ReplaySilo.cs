using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;
using Vigil.Grains;
using Vigil.Grains.Ingest;
using Vigil.Grains.Replay;

namespace Vigil.Cli.Replay;

/// <summary>
/// A silo in this process with the host's grains and detectors, an in-process grain storage and
/// in-memory findings and ledger: no database. It stays up until disposed, so several folder
/// passes can run against the same ledger and grain state.
/// </summary>
public sealed class ReplaySilo : IAsyncDisposable
{
    private readonly IHost host;

    private ReplaySilo(IHost host, InMemoryFindingStore findings, InMemoryObjectLedger ledger)
    {
        this.host = host;
        Findings = findings;
        Ledger = ledger;
    }

    public InMemoryFindingStore Findings { get; }

    public InMemoryObjectLedger Ledger { get; }

    public LogObjectIngestor Ingestor => host.Services.GetRequiredService<LogObjectIngestor>();

    public ThreatIntelRegistry ThreatLists => host.Services.GetRequiredService<ThreatIntelRegistry>();

    public Rules.RuleRegistry Rules => host.Services.GetRequiredService<Rules.RuleRegistry>();

    /// <summary>Detector settings of the silo's tenants, which the grains read on every call.</summary>
    public Detection.Settings.DetectorSettingsRegistry DetectorSettings => host.Services.GetRequiredService<Detection.Settings.DetectorSettingsRegistry>();

    /// <summary>Grain factory of the silo, for calls a test or command makes besides ingestion.</summary>
    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's grain state storage, so a test can place a stored state before a grain activates or read what a grain wrote.</summary>
    public IGrainStorage GrainStorage => host.Services.GetRequiredKeyedService<IGrainStorage>(VigilGrainStorage.Name);

    /// <summary>The serializer that grain storage providers such as the host's ADO.NET storage use for grain state by default.</summary>
    public IGrainStorageSerializer GrainStorageSerializer => host.Services.GetRequiredService<IGrainStorageSerializer>();

    /// <summary>Meter factory of the silo; its meters are the silo's own, which tests tell apart from other silos' by <see cref="System.Diagnostics.Metrics.Meter.Scope"/>.</summary>
    public System.Diagnostics.Metrics.IMeterFactory MeterFactory => host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public static Task<ReplaySilo> StartAsync(Action<ILoggingBuilder>? configureLogging, CancellationToken cancellationToken) =>
        StartAsync(configureLogging, IpEnricher.None, ProfileOptions.Default, cancellationToken);

    /// <summary>Starts a silo whose principal grains enrich addresses with <paramref name="enricher"/> and profile with <paramref name="profileOptions"/>.</summary>
    public static Task<ReplaySilo> StartAsync(Action<ILoggingBuilder>? configureLogging, IpEnricher enricher, ProfileOptions profileOptions, CancellationToken cancellationToken) =>
        StartAsync(configureLogging, enricher, profileOptions, null, null, cancellationToken);

    /// <summary>
    /// Starts a silo as above, with the ingest options given (null: the defaults), and with the grains
    /// writing findings to what <paramref name="wrapSink"/> returns for the in-memory store (null: the
    /// store itself), so a caller can observe each chunk's occurrences before they are aggregated.
    /// </summary>
    public static async Task<ReplaySilo> StartAsync(
        Action<ILoggingBuilder>? configureLogging,
        IpEnricher enricher,
        ProfileOptions profileOptions,
        IngestOptions? ingestOptions,
        Func<IFindingSink, IFindingSink>? wrapSink,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        configureLogging?.Invoke(builder.Logging);

        var findings = new InMemoryFindingStore();
        var ledger = new InMemoryObjectLedger();
        builder.Services.AddSingleton<IFindingSink>(wrapSink is null ? findings : wrapSink(findings));
        if (ingestOptions is not null)
        {
            builder.Services.AddSingleton(ingestOptions);
        }

        builder.Services.AddSingleton<IObjectLedger>(ledger);
        builder.Services.AddSingleton(enricher);
        builder.Services.AddSingleton(profileOptions);
        builder.UseOrleans(silo =>
        {
            // Free loopback ports, so a replay can run beside a host on the same machine.
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort(), serviceId: "vigil-replay", clusterId: "vigil-replay");
            silo.Services.AddKeyedSingleton<IGrainStorage>(VigilGrainStorage.Name, new InProcessGrainStorage());
            silo.AddVigilGrains();
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new ReplaySilo(host, findings, ledger);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
