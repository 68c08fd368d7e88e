using System.Collections.Concurrent;
using System.Diagnostics;

namespace Vigil.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Vigil host started from its build output in the Production environment, on free loopback
/// ports, with its console output kept for assertions and failure messages.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private HostProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int GatewayPort { get; private init; }

    public required string ClusterId { get; init; }

    public string Output => string.Join('\n', output);

    /// <summary>Starts a host; pass the <paramref name="clusterId"/> of a running host to add a second silo to its cluster.</summary>
    public static async Task<HostProcess> StartAsync(string connectionString, string? watchFolder, string adminPassword, string? clusterId = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var httpPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(BuildOutput.HostDll)!,
        };
        start.ArgumentList.Add(BuildOutput.HostDll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Vigil__Database__ConnectionString"] = connectionString;
        clusterId ??= "e2e-" + Guid.NewGuid().ToString("N")[..8];
        start.Environment["Vigil__Cluster__ClusterId"] = clusterId;
        start.Environment["Vigil__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Vigil__Cluster__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Vigil__Ingest__WatchFolder"] = watchFolder ?? "";
        start.Environment["Vigil__Ingest__PollSeconds"] = "1";
        start.Environment["Vigil__Ingest__QueueWaitSeconds"] = "1";
        start.Environment["Vigil__Administrator__Password"] = adminPassword;
        start.Environment["Vigil__Console__LocalAccounts"] = "true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Starting the host failed.");
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{httpPort}/")) { GatewayPort = gatewayPort, ClusterId = clusterId };
        process.OutputDataReceived += (_, line) => host.Record(line.Data);
        process.ErrorDataReceived += (_, line) => host.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilHealthyAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException exception) when (exception.InnerException is TimeoutException)
            {
                // One probe outlasted the client's timeout, as happens while the silo still starts on a busy machine.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The host did not report ready on /health/ready within 2 minutes:\n{Output}");
    }
}
