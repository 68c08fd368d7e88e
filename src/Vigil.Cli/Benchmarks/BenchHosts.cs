namespace Vigil.Cli.Benchmarks;

/// <summary>
/// One or more <see cref="BenchHost"/> processes started as silos of one cluster on one database,
/// all watching the same folder. CPU time and memory are summed over the processes, and the run
/// counts as exited when any of them exited.
/// </summary>
internal sealed class BenchHosts : IAsyncDisposable
{
    private readonly List<BenchHost> hosts;

    private BenchHosts(List<BenchHost> hosts)
    {
        this.hosts = hosts;
    }

    public bool HasExited => hosts.Exists(host => host.HasExited);

    /// <summary>The last output lines of each host, one block per host.</summary>
    public string OutputTail => string.Join("\n\n", hosts.Select((host, index) => $"host {index + 1}:\n{host.OutputTail}"));

    /// <summary>Starts the hosts one after the other, so the first creates the cluster that the others join.</summary>
    public static async Task<BenchHosts> StartAsync(string hostDll, string connectionString, string watchFolder, int count, CancellationToken cancellationToken)
    {
        var clusterId = BenchHost.NewClusterId();
        var started = new List<BenchHost>(count);
        try
        {
            for (var index = 0; index < count; index++)
            {
                started.Add(await BenchHost.StartAsync(hostDll, connectionString, watchFolder, clusterId, cancellationToken));
            }
        }
        catch
        {
            foreach (var host in started)
            {
                await host.DisposeAsync();
            }

            throw;
        }

        return new BenchHosts(started);
    }

    /// <summary>Returns the user and system CPU time of all hosts, or null when one cannot be read.</summary>
    public TimeSpan? ReadCpu() => Sum(hosts.Select(host => ProcessCpu.Read(host.ProcessId)), TimeSpan.Zero, (sum, value) => sum + value);

    /// <summary>Returns the sum of the hosts' peak resident memory (VmHWM) in kilobytes, or null when one cannot be read.</summary>
    public long? ReadPeak() => Sum(hosts.Select(host => ProcessMemory.ReadPeak(host.ProcessId)), 0L, (sum, value) => sum + value);

    /// <summary>Returns the sum of the hosts' resident memory (VmRSS) in kilobytes, or null when one cannot be read.</summary>
    public long? ReadResident() => Sum(hosts.Select(host => ProcessMemory.ReadResident(host.ProcessId)), 0L, (sum, value) => sum + value);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }

    private static T? Sum<T>(IEnumerable<T?> values, T zero, Func<T, T, T> add)
        where T : struct
    {
        var sum = zero;
        foreach (var value in values)
        {
            if (value is not { } known)
            {
                return null;
            }

            sum = add(sum, known);
        }

        return sum;
    }
}
