using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The Vigil host started from its build output with <c>dotnet Vigil.Host.dll</c> in the Production
/// environment, on free loopback ports, watching one folder. Its last output lines are kept for error messages.
/// Disposing it kills the process; a second dispose does nothing.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private const int KeptOutputLines = 40;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private bool disposed;

    private BenchHost(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public int ProcessId => process.Id;

    /// <summary>The console and API address, with <c>/metrics</c> and the health endpoints.</summary>
    public Uri BaseAddress { get; }

    public bool HasExited => process.HasExited;

    /// <summary>The host's last output lines, oldest first.</summary>
    public string OutputTail => string.Join('\n', output);

    /// <summary>
    /// Starts a host. Hosts started with the same <paramref name="clusterId"/> and database join one
    /// cluster; each gets its own ports.
    /// </summary>
    public static async Task<BenchHost> StartAsync(string hostDll, string connectionString, string watchFolder, string clusterId, CancellationToken cancellationToken)
    {
        var httpPort = FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        start.ArgumentList.Add(hostDll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Vigil__Database__ConnectionString"] = connectionString;
        start.Environment["Vigil__Cluster__ClusterId"] = clusterId;
        start.Environment["Vigil__Cluster__SiloPort"] = FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Vigil__Cluster__GatewayPort"] = FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Vigil__Ingest__WatchFolder"] = watchFolder;
        start.Environment["Vigil__Ingest__PollSeconds"] = "1";
        start.Environment["Vigil__Administrator__Password"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        start.Environment["Vigil__Console__LocalAccounts"] = "true";

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Starting dotnet {hostDll} failed.");
        var host = new BenchHost(process, new Uri($"http://127.0.0.1:{httpPort}/"));
        process.OutputDataReceived += (_, line) => host.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => host.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(host.BaseAddress, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    /// <summary>Returns a new cluster id, so hosts of different runs never join one cluster.</summary>
    public static string NewClusterId() => "bench-" + Guid.NewGuid().ToString("N")[..8];

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > KeptOutputLines)
        {
            output.TryDequeue(out _);
        }
    }

    private async Task WaitUntilReadyAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode} before it was ready. Its last output:\n{OutputTail}");
            }

            try
            {
                using var response = await client.GetAsync("health/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request timed out while the host starts.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The host did not report ready on /health/ready within {ReadyTimeout.TotalMinutes:0} minutes. Its last output:\n{OutputTail}");
    }
}
