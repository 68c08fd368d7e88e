using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Vigil.Storage.Tests.Orleans;

/// <summary>
/// A silo in the test process that keeps membership, grain state (provider <see cref="StorageName"/>)
/// and reminders in PostgreSQL through the ADO.NET providers, on free loopback ports.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    public const string StorageName = "store";
    public const string Invariant = "Npgsql";

    private readonly IHost host;

    private TestSilo(IHost host, int siloPort, int gatewayPort)
    {
        this.host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<TestSilo> StartAsync(string connectionString, string clusterId)
    {
        var siloPort = FreeLoopbackPort();
        var gatewayPort = FreeLoopbackPort();
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = clusterId;
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
                silo.UseAdoNetClustering(options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                });
                silo.AddAdoNetGrainStorage(StorageName, options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                });
                silo.UseAdoNetReminderService(options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                });
                silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
                silo.Configure<ClusterMembershipOptions>(options =>
                {
                    // Short timings so joins, table refreshes and shutdowns finish within seconds.
                    options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                    options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                    options.ProbeTimeout = TimeSpan.FromSeconds(2);
                });
            })
            .Build();

        await host.StartAsync();
        return new TestSilo(host, siloPort, gatewayPort);
    }

    /// <summary>Stops the silo gracefully, so it marks itself Dead in the membership table.</summary>
    public async Task StopAsync() => await host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
