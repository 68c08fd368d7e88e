using System.Diagnostics;

namespace Vigil.Testing;

/// <summary>
/// The local PostgreSQL cluster of <c>deploy/local/pg-start.sh</c>, started at most once per test process.
/// </summary>
public static class LocalPostgres
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private static string? connectionString;

    /// <summary>
    /// Runs <c>deploy/local/pg-start.sh</c> (which returns at once when the cluster already runs)
    /// and returns the connection string it wrote to <c>.local/pg/connection-string</c>, which
    /// names the database <c>vigil</c> as the role <c>vigil</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The script failed or timed out; the message contains its output.</exception>
    public static async Task<string> GetConnectionStringAsync(CancellationToken cancellationToken = default)
    {
        await StartLock.WaitAsync(cancellationToken);
        try
        {
            connectionString ??= await StartAsync(cancellationToken);
            return connectionString;
        }
        finally
        {
            StartLock.Release();
        }
    }

    private static async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "deploy", "local", "pg-start.sh");
        var startInfo = new ProcessStartInfo("bash")
        {
            ArgumentList = { script },
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Starting bash for {script} failed.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} timed out after {StartTimeout}. Its output so far: {await errors}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}: {await errors}{await output}");
        }

        var file = Path.Combine(root, ".local", "pg", "connection-string");
        var text = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        if (text.Length == 0)
        {
            throw new InvalidOperationException($"{file} is empty; delete {Path.Combine(root, ".local", "pg")} and run {script} again.");
        }

        return text;
    }
}
