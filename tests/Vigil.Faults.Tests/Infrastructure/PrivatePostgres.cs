using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of its own in a temporary folder on a free loopback port, which a test may
/// stop and start without disturbing the shared test cluster. The server binaries are the newest
/// under <c>/usr/lib/postgresql/*/bin</c>, as <c>deploy/local/pg-start.sh</c> picks them. As root,
/// the server runs as the <c>postgres</c> user, because PostgreSQL refuses to run as root.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly string binFolder;
    private readonly string root;
    private readonly string password = Guid.NewGuid().ToString("N");
    private readonly bool asPostgresUser = Environment.UserName == "root";

    private PrivatePostgres(string binFolder, string root, int port)
    {
        this.binFolder = binFolder;
        this.root = root;
        Port = port;
    }

    public int Port { get; }

    private string DataFolder => Path.Combine(root, "data");

    private string LogFile => Path.Combine(root, "server.log");

    /// <summary>The connection string of the database <c>vigil</c> as the role <c>vigil</c>.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database=vigil;Username=vigil;Password={password}";

    /// <summary>Creates the cluster with initdb, starts it, and creates the role and database <c>vigil</c>.</summary>
    public static async Task<PrivatePostgres> CreateAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(folder => File.Exists(Path.Combine(folder, "pg_ctl")) && File.Exists(Path.Combine(folder, "initdb")))
                .OrderBy(folder => int.TryParse(Path.GetFileName(Path.GetDirectoryName(folder)), out var version) ? version : 0)
                .LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin; run deploy/local/pg-start.sh once, which installs them.");
        }

        var root = Path.Combine(Path.GetTempPath(), "vigil-faults-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var server = new PrivatePostgres(bin, root, FreePort.Next());
        if (server.asPostgresUser)
        {
            await RunAsync("chown", ["postgres", root]);
        }

        await server.RunServerToolAsync("initdb", ["-D", server.DataFolder, "--encoding=UTF8", "--no-locale", "--auth-local=peer", "--auth-host=scram-sha-256"]);
        await server.StartAsync();
        await server.RunServerToolAsync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", root, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-d", "postgres",
            "-c", $"CREATE ROLE vigil LOGIN CREATEDB PASSWORD '{server.password}'", "-c", "CREATE DATABASE vigil OWNER vigil"]);
        return server;
    }

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await RunServerToolAsync("pg_ctl", ["-D", DataFolder, "-l", LogFile, "-W", "-o",
            $"-c listen_addresses=127.0.0.1 -c port={Port.ToString(CultureInfo.InvariantCulture)} -c unix_socket_directories={root} -c max_connections=300", "start"]);
        var deadline = DateTime.UtcNow + CommandTimeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database=postgres;Username=nobody;Password=probe;Timeout=2");
                await connection.OpenAsync();
            }
            catch (PostgresException exception) when (exception.SqlState != PostgresErrorCodes.CannotConnectNow)
            {
                // An authentication error means the server accepts connections. Error 57P03 means
                // it is still starting up, which the next clause waits out.
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Stops the server with the fast mode: open sessions are ended at once, as in an outage.</summary>
    public Task StopAsync() => RunServerToolAsync("pg_ctl", ["-D", DataFolder, "-m", "fast", "-w", "stop"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunServerToolAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(root, recursive: true);
    }

    private Task RunServerToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(binFolder, tool);
        return asPostgresUser ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Starting {fileName} failed.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments.Where(argument => !argument.Contains("PASSWORD", StringComparison.Ordinal)))} failed with exit code {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
