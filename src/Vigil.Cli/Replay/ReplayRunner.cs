using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Grains;
using Vigil.Grains.Ingest;
using Vigil.Grains.Replay;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Cli.Replay;

/// <summary>
/// Runs the same grains and detectors as the host in an in-process silo with in-memory storage, over
/// a folder of logs, and returns the findings. Nothing is written to a database.
/// </summary>
public sealed class ReplayRunner(Action<ILoggingBuilder>? configureLogging = null)
{
    public async Task<ReplayResult> RunAsync(string tenantId, string logPath, IReadOnlyList<string> listFiles, IProgress<ObjectRecord>? progress, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        configureLogging?.Invoke(builder.Logging);

        var findings = new InMemoryFindingStore();
        var ledger = new InMemoryObjectLedger();
        builder.Services.AddSingleton<IFindingSink>(findings);
        builder.Services.AddSingleton<IObjectLedger>(ledger);
        builder.UseOrleans(silo =>
        {
            // Free loopback ports, so a replay can run beside a host on the same machine.
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort(), serviceId: "vigil-replay", clusterId: "vigil-replay");
            silo.Services.AddKeyedSingleton<IGrainStorage>(VigilGrainStorage.Name, new InProcessGrainStorage());
            silo.AddVigilGrains();
        });

        using var host = builder.Build();
        var listErrors = LoadLists(host.Services.GetRequiredService<ThreatIntelRegistry>(), tenantId, listFiles);
        await host.StartAsync(cancellationToken);
        try
        {
            var ingestor = host.Services.GetRequiredService<CloudTrailIngestor>();
            var summary = await ingestor.IngestFolderAsync(tenantId, logPath, progress, cancellationToken);
            return new ReplayResult(summary, findings.Snapshot(tenantId), ledger.Records, listErrors);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static IReadOnlyList<ListError> LoadLists(ThreatIntelRegistry registry, string tenantId, IReadOnlyList<string> listFiles)
    {
        var lists = listFiles.Select(path => (ListNameOf(path), File.ReadAllText(path))).ToList();
        return lists.Count == 0 ? [] : registry.Load(tenantId, lists, new PlainTextListParser());
    }

    /// <summary>Returns the name a list file gets in findings: its file name without the extension, as <c>vigil lists import</c> names it.</summary>
    public static string ListNameOf(string path) => Path.GetFileNameWithoutExtension(path);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The outcome of a replay: totals, the aggregated findings, each object's record and the list lines not loaded.</summary>
public sealed record ReplayResult(FolderIngestSummary Summary, IReadOnlyList<Finding> Findings, IReadOnlyCollection<ObjectRecord> Objects, IReadOnlyList<ListError> ListErrors);
