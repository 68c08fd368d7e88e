using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>
/// One Vigil host process (one silo) started from its build output on free loopback ports, with its
/// console output kept for assertions and failure messages.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private SiloProcess(Process process, string name, int siloPort, Uri baseAddress)
    {
        this.process = process;
        Name = name;
        SiloPort = siloPort;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public Uri BaseAddress { get; }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output => string.Join('\n', output);

    /// <summary>
    /// Starts a host with <paramref name="settings"/> (environment variables, which override
    /// appsettings.json) on its own HTTP, silo and gateway ports.
    /// </summary>
    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var httpPort = FreePort.Next();
        var siloPort = FreePort.Next();
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
        start.Environment["Vigil__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Vigil__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Vigil"] = "Information";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Starting the host failed.");
        var silo = new SiloProcess(process, name, siloPort, new Uri($"http://127.0.0.1:{httpPort}/"));
        process.OutputDataReceived += (_, line) => silo.Record(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Returns whether a lease owner id (the silo address with its generation) belongs to this silo.</summary>
    public bool OwnsLease(string ownerId) => ownerId.Contains($":{SiloPort.ToString(CultureInfo.InvariantCulture)}@", StringComparison.Ordinal);

    /// <summary>Polls <c>/health/ready</c> until it returns 200, failing when the process exits first.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Silo {Name} exited with code {process.ExitCode} before it was ready:\n{Output}");
                }

                try
                {
                    using var response = await client.GetAsync("health/ready");
                    return response.IsSuccessStatusCode;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            timeout,
            $"silo {Name} reports ready",
            () => Output);
    }

    /// <summary>Kills the process with SIGKILL, as a crash or an out-of-memory kill would.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM, as systemd and Kubernetes do to stop a service, and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        // .NET has no API for SIGTERM to another process, so the kill command sends it.
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("Starting kill failed."))
        {
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -TERM {process.Id} failed with exit code {kill.ExitCode}.");
            }
        }

        return await WaitForExitAsync(timeout);
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Silo {Name} did not exit within {timeout.TotalSeconds} s:\n{Output}");
        }

        // The asynchronous output readers finish after the exit; this overload waits for them.
        await process.WaitForExitAsync();
        return process.ExitCode;
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
}
