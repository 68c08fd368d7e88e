using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Cli.Replay;
using Vigil.Contracts.Storage;
using Vigil.Storage;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// A throw-away database on the local PostgreSQL cluster of <c>deploy/local/pg-start.sh</c>, named
/// <c>vigil_bench_</c> and 32 hex digits, migrated and with the corpus's threat list imported.
/// Disposing it drops the database.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private readonly string serverConnectionString;

    private BenchDatabase(string serverConnectionString, string name)
    {
        this.serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// Runs <c>deploy/local/pg-start.sh</c> of the checkout at <paramref name="repositoryRoot"/> (which
    /// returns at once when the cluster runs), creates the database, applies the migrations and imports
    /// the threat list when there is one.
    /// </summary>
    public static async Task<BenchDatabase> CreateAsync(string repositoryRoot, string tenantId, string? threatListPath, CancellationToken cancellationToken)
    {
        var serverConnectionString = await StartClusterAsync(repositoryRoot, cancellationToken);
        var database = new BenchDatabase(serverConnectionString, "vigil_bench_" + Guid.NewGuid().ToString("N"));
        await using (var server = new NpgsqlConnection(serverConnectionString))
        {
            await server.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database.Name}", server);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await database.PrepareAsync(tenantId, threatListPath, cancellationToken);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }

        return database;
    }

    /// <summary>Drops the database (<see cref="DatabaseDrop"/>); one that cannot be dropped is left with a warning.</summary>
    public async ValueTask DisposeAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        if (await DatabaseDrop.DropAsync(serverConnectionString, Name, CancellationToken.None) is { } failure)
        {
            Console.Error.WriteLine($"warning: dropping the benchmark database {Name} failed: {failure.MessageText}; drop it by hand.");
        }
    }

    private async Task PrepareAsync(string tenantId, string? threatListPath, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddVigilStorage(ConnectionString);
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync(ConnectionString, cancellationToken);
        if (threatListPath is null)
        {
            return;
        }

        var content = await File.ReadAllTextAsync(threatListPath, cancellationToken);
        await provider.GetRequiredService<IThreatListStore>().SaveAsync(
            new StoredThreatList
            {
                TenantId = tenantId,
                Name = ReplayRunner.ListNameOf(threatListPath),
                Format = "txt",
                Content = content,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))),
                UpdatedAt = DateTimeOffset.UtcNow,
                UpdatedBy = "cli:bench",
            },
            cancellationToken);
    }

    private static async Task<string> StartClusterAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var script = Path.Combine(repositoryRoot, "deploy", "local", "pg-start.sh");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Starting bash for {script} failed.");
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
            throw new TimeoutException($"{script} did not finish within {StartTimeout.TotalMinutes:0} minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}: {(await errors).Trim()} {(await output).Trim()}");
        }

        var file = Path.Combine(repositoryRoot, ".local", "pg", "connection-string");
        var connectionString = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        return connectionString.Length > 0 ? connectionString : throw new InvalidOperationException($"{file} is empty; run {script} again.");
    }
}
