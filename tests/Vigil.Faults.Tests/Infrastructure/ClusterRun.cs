using System.Globalization;
using Npgsql;

namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>
/// Silos of one cluster on one database, all watching the corpus folder, with the settings the
/// fault tests share: fast membership timing, short object leases and a one-second poll.
/// </summary>
internal sealed class ClusterRun : IAsyncDisposable
{
    public const string TenantId = "default";

    /// <summary>
    /// Fault-test timing: a silo is suspected after two probes of 2 s are missed and declared dead
    /// by the votes of the two silos that probe it. Leases of a killed silo expire after 10 s.
    /// </summary>
    private static readonly Dictionary<string, string> FastTiming = new()
    {
        ["Vigil__Cluster__Membership__ProbeTimeoutSeconds"] = "2",
        ["Vigil__Cluster__Membership__MissedProbesLimit"] = "2",
        ["Vigil__Cluster__Membership__ProbedSilos"] = "2",
        ["Vigil__Cluster__Membership__VotesForDeathDeclaration"] = "2",
        ["Vigil__Cluster__Membership__DeathVoteExpirationSeconds"] = "30",
        ["Vigil__Cluster__Membership__TableRefreshSeconds"] = "1",
        ["Vigil__Cluster__Membership__IAmAlivePublishSeconds"] = "5",
        ["Vigil__Cluster__Membership__MaxJoinAttemptSeconds"] = "60",
        ["Vigil__Ingest__LeaseSeconds"] = "10",
        ["Vigil__Ingest__DrainSeconds"] = "20",
        ["Vigil__Ingest__PollSeconds"] = "1",
        ["shutdownTimeoutSeconds"] = "60",
    };

    private readonly List<SiloProcess> silos = [];

    public ClusterRun(string connectionString, string watchFolder)
    {
        ConnectionString = connectionString;
        WatchFolder = watchFolder;
        ClusterId = "faults-" + Guid.NewGuid().ToString("N")[..8];
    }

    public string ConnectionString { get; }

    public string WatchFolder { get; }

    public string ClusterId { get; }

    public IReadOnlyList<SiloProcess> Silos => silos;

    /// <summary>Every silo's output, each line prefixed with the silo's name, for failure messages.</summary>
    public string Output => string.Join('\n', silos.Select(silo => $"--- {silo.Name}\n{silo.Output}"));

    /// <summary>Starts <paramref name="count"/> silos at once and waits until each reports ready.</summary>
    public async Task StartSilosAsync(int count, IReadOnlyDictionary<string, string>? extra = null)
    {
        var names = Enumerable.Range(silos.Count + 1, count).Select(number => $"silo-{number}").ToList();
        var started = await Task.WhenAll(names.Select(name => StartReadySiloAsync(name, extra)));
        silos.AddRange(started);
    }

    /// <summary>
    /// Starts one silo and waits until it is ready. A port picked as free can be taken by another
    /// process before the silo binds it, so a silo that exits for that reason is started again on
    /// new ports, up to three times.
    /// </summary>
    private async Task<SiloProcess> StartReadySiloAsync(string name, IReadOnlyDictionary<string, string>? extra)
    {
        var settings = new Dictionary<string, string>(FastTiming)
        {
            ["Vigil__Database__ConnectionString"] = ConnectionString,
            ["Vigil__Cluster__ClusterId"] = ClusterId,
            ["Vigil__Ingest__WatchFolder"] = WatchFolder,
            ["Vigil__Ingest__TenantId"] = TenantId,
            ["Vigil__Administrator__Password"] = "faults-admin-password",
            ["Vigil__Console__LocalAccounts"] = "true",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        for (var attempt = 1; ; attempt++)
        {
            var silo = SiloProcess.Start(name, settings);
            try
            {
                await silo.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
                return silo;
            }
            catch (InvalidOperationException) when (attempt < 3 && silo.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await silo.DisposeAsync();
            }
            catch
            {
                await silo.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Returns the number of objects recorded as done (read to the end) in the ledger.</summary>
    public async Task<int> DoneObjectsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM ingested_objects WHERE tenant_id = $1 AND error IS NULL", connection);
        command.Parameters.AddWithValue(TenantId);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until the ledger has <paramref name="objects"/> done objects; a poll that the database fails counts as not yet.</summary>
    public async Task WaitForDoneAsync(int objects, TimeSpan timeout) =>
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await DoneObjectsAsync() >= objects;
                }
                catch (NpgsqlException)
                {
                    return false;
                }
            },
            timeout,
            $"the ledger records {objects.ToString(CultureInfo.InvariantCulture)} objects as done",
            () => Output);

    /// <summary>Returns the lease owner ids currently in <c>object_leases</c>.</summary>
    public async Task<IReadOnlyList<string>> LeaseOwnersAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner_id FROM object_leases WHERE expires_at > now()", connection);
        var owners = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            owners.Add(reader.GetString(0));
        }

        return owners;
    }

    /// <summary>Reads the findings and the ledger, for comparison with another run.</summary>
    public Task<RunOutcome> ReadOutcomeAsync() => RunOutcome.ReadAsync(ConnectionString, TenantId);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
    }
}
