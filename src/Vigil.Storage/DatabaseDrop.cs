using Npgsql;

namespace Vigil.Storage;

/// <summary>Drops a database that a benchmark or a test created, even while sessions still use it.</summary>
public static class DatabaseDrop
{
    private const int Attempts = 12;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Drops <paramref name="name"/> (an unquoted identifier) on the server of
    /// <paramref name="serverConnectionString"/>, ending the sessions that use it. Returns null once
    /// it is gone, or the server's last error after a minute of attempts.
    /// </summary>
    /// <remarks>
    /// A role that is not a superuser cannot end an autovacuum worker, so PostgreSQL rejects the
    /// forced drop while one runs in the database. A plain drop ends autovacuum itself and waits a
    /// few seconds for other sessions, so that is tried next, every five seconds.
    /// </remarks>
    public static async Task<PostgresException?> DropAsync(string serverConnectionString, string name, CancellationToken cancellationToken)
    {
        await using var server = new NpgsqlConnection(serverConnectionString);
        await server.OpenAsync(cancellationToken);
        var force = " WITH (FORCE)";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}{force}", server);
                await drop.ExecuteNonQueryAsync(cancellationToken);
                return null;
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == Attempts)
                {
                    return exception;
                }

                force = "";
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
