using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Orleans;

/// <summary>Real silos against the migrated schema: clustering, grain storage and reminders.</summary>
public sealed class OrleansProviderTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string clusterId = "test-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Membership_TwoSilos_BothActive()
    {
        await using var first = await TestSilo.StartAsync(database.ConnectionString, clusterId);
        await using var second = await TestSilo.StartAsync(database.ConnectionString, clusterId);

        await Eventually.WaitUntilAsync(
            async () => (await ActiveSiloPortsAsync()).Count == 2,
            Timeout,
            "both silos are Active in the membership table");
        var activePorts = await ActiveSiloPortsAsync();
        Assert.Contains(first.SiloPort, activePorts);
        Assert.Contains(second.SiloPort, activePorts);

        await Eventually.WaitUntilAsync(
            () => Task.FromResult(ActiveMemberPorts(first).Count == 2 && ActiveMemberPorts(second).Count == 2),
            Timeout,
            "each silo's membership view lists both silos as Active");
        Assert.Contains(second.SiloPort, ActiveMemberPorts(first));
        Assert.Contains(first.SiloPort, ActiveMemberPorts(second));
    }

    [Fact]
    public async Task Client_FindsGatewayAndCallsGrain()
    {
        await using var silo = await TestSilo.StartAsync(database.ConnectionString, clusterId);
        using var client = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(builder =>
            {
                builder.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = clusterId;
                });
                builder.UseAdoNetClustering(options =>
                {
                    options.Invariant = TestSilo.Invariant;
                    options.ConnectionString = database.ConnectionString;
                });
            })
            .Build();

        await client.StartAsync();
        try
        {
            var counter = client.Services.GetRequiredService<IClusterClient>().GetGrain<ICounterGrain>("counter-client");
            Assert.Equal(3, await counter.AddAsync(3));
        }
        finally
        {
            await client.StopAsync();
        }
    }

    [Fact]
    public async Task GrainState_SurvivesSiloRestart()
    {
        const string grainKey = "counter-restart";
        await using (var silo = await TestSilo.StartAsync(database.ConnectionString, clusterId))
        {
            var counter = silo.Grains.GetGrain<ICounterGrain>(grainKey);
            Assert.Equal(5, await counter.AddAsync(5));
            Assert.Equal(7, await counter.AddAsync(2));
        }

        await using var restarted = await TestSilo.StartAsync(database.ConnectionString, clusterId);
        var reloaded = restarted.Grains.GetGrain<ICounterGrain>(grainKey);

        Assert.Equal(7, await reloaded.GetAsync());
        Assert.Equal(2, await StoredVersionAsync(grainKey));
    }

    [Fact]
    public async Task GrainStorage_StaleETag_Throws()
    {
        await using var silo = await TestSilo.StartAsync(database.ConnectionString, clusterId);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(TestSilo.StorageName);
        var grainId = GrainId.Create("counter", "etag-check");

        var current = new GrainState<CounterState>(new CounterState { Value = 1 });
        await storage.WriteStateAsync("counter", grainId, current);
        var stale = new GrainState<CounterState>(new CounterState { Value = 100 }) { ETag = current.ETag };
        current.State = new CounterState { Value = 2 };
        await storage.WriteStateAsync("counter", grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grainId, stale));
        var reread = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("counter", grainId, reread);
        Assert.Equal(2, reread.State?.Value);
        Assert.Equal(current.ETag, reread.ETag);
    }

    [Fact]
    public async Task Reminder_FiresAfterSiloRestart()
    {
        const string grainKey = "reminder-restart";
        const string reminderName = "probe";
        await using (var silo = await TestSilo.StartAsync(database.ConnectionString, clusterId))
        {
            var probe = silo.Grains.GetGrain<IReminderProbeGrain>(grainKey);
            await probe.RegisterAsync(reminderName, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1L, await ReminderCountAsync());

        // The waiter exists only from now on, so a tick that completes it comes from the new silo.
        var nextTick = ReminderTicks.NextTickAsync(grainKey, reminderName);
        await using var restarted = await TestSilo.StartAsync(database.ConnectionString, clusterId);

        await nextTick.WaitAsync(Timeout);
    }

    private static HashSet<int> ActiveMemberPorts(TestSilo silo) =>
        silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => member.SiloAddress.Endpoint.Port)
            .ToHashSet();

    private async Task<HashSet<int>> ActiveSiloPortsAsync()
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT port FROM orleans_membership WHERE deployment_id = @cluster AND status = 3");
        command.Parameters.AddWithValue("cluster", clusterId);
        var ports = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ports.Add(reader.GetInt32(0));
        }

        return ports;
    }

    private async Task<int> StoredVersionAsync(string grainKey)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT version FROM orleans_storage WHERE service_id = @service AND grain_id_extension_string = @key");
        command.Parameters.AddWithValue("service", clusterId);
        command.Parameters.AddWithValue("key", grainKey);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> ReminderCountAsync()
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT count(*) FROM orleans_reminders WHERE service_id = @service");
        command.Parameters.AddWithValue("service", clusterId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
