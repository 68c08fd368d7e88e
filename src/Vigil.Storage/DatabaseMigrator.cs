using Microsoft.Extensions.Logging;
using Npgsql;

namespace Vigil.Storage;

/// <summary>
/// Applies the SQL migrations embedded in this assembly (<c>Migrations/NNNN_*.sql</c>) in version
/// order. Each migration runs in its own transaction and is recorded with its SHA-256 in
/// <c>vigil_schema_migrations</c>. A session-level advisory lock serialises concurrent runs, so
/// silos that start together apply each migration once. Running it again applies nothing.
/// </summary>
public sealed partial class DatabaseMigrator
{
    // Any fixed 64-bit key works as long as nothing else in the database uses it. These are the
    // ASCII codes of "VigilMig".
    private const long AdvisoryLockKey = 0x5669_6769_6C4D_6967;

    private const string CreateHistoryTableSql = """
        CREATE TABLE IF NOT EXISTS vigil_schema_migrations (
            version integer PRIMARY KEY,
            file_name text NOT NULL,
            sha256 text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private readonly ILogger<DatabaseMigrator> logger;
    private readonly IReadOnlyList<MigrationScript> scripts;

    public DatabaseMigrator(ILogger<DatabaseMigrator> logger)
        : this(logger, MigrationScript.LoadEmbedded())
    {
    }

    internal DatabaseMigrator(ILogger<DatabaseMigrator> logger, IReadOnlyList<MigrationScript> scripts)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(scripts);
        this.logger = logger;
        this.scripts = scripts;
    }

    /// <summary>
    /// Brings the database up to the newest embedded migration.
    /// </summary>
    /// <exception cref="MigrationException">
    /// A migration failed, or an applied migration's text differs from the embedded file.
    /// </exception>
    public async Task<MigrationReport> MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await AcquireLockAsync(connection, cancellationToken);
        try
        {
            await ExecuteAsync(connection, CreateHistoryTableSql, cancellationToken);
            var recorded = await ReadHistoryAsync(connection, cancellationToken);
            VerifyUnchanged(recorded);

            var applied = new List<string>();
            var alreadyApplied = new List<string>();
            foreach (var script in scripts)
            {
                if (recorded.ContainsKey(script.Version))
                {
                    alreadyApplied.Add(script.FileName);
                    continue;
                }

                await ApplyAsync(connection, script, cancellationToken);
                applied.Add(script.FileName);
            }

            LogMigrationFinished(logger, connection.Database, applied.Count, alreadyApplied.Count);
            return new MigrationReport(applied, alreadyApplied);
        }
        finally
        {
            await ReleaseLockAsync(connection);
        }
    }

    /// <summary>
    /// Returns the file names of the embedded migrations that the database has not applied, in
    /// version order, without changing anything. A database without the history table has applied none.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListPendingAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('vigil_schema_migrations') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return [.. scripts.Select(script => script.FileName)];
        }

        var recorded = await ReadHistoryAsync(connection, cancellationToken);
        return [.. scripts.Where(script => !recorded.ContainsKey(script.Version)).Select(script => script.FileName)];
    }

    private async Task AcquireLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLockKey})", connection);
        if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
        {
            return;
        }

        LogWaitingForLock(logger, connection.Database);
        await using var waitForLock = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLockKey})", connection)
        {
            // Another process has the lock while it migrates, and the caller's token bounds the wait.
            CommandTimeout = 0,
        };
        await waitForLock.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ReleaseLockAsync(NpgsqlConnection connection)
    {
        // Closing a pooled connection does not end the session, so release the lock explicitly.
        try
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
        catch (NpgsqlException exception)
        {
            // A broken connection is closed for good, and the server releases the lock with the session.
            LogUnlockFailed(logger, exception, connection.Database);
        }
    }

    private static async Task<Dictionary<int, (string FileName, string Sha256)>> ReadHistoryAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<int, (string FileName, string Sha256)>();
        await using var command = new NpgsqlCommand("SELECT version, file_name, sha256 FROM vigil_schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recorded[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return recorded;
    }

    private void VerifyUnchanged(Dictionary<int, (string FileName, string Sha256)> recorded)
    {
        var known = scripts.ToDictionary(script => script.Version);
        foreach (var (version, (fileName, sha256)) in recorded.OrderBy(entry => entry.Key))
        {
            if (!known.TryGetValue(version, out var script))
            {
                // A newer build migrated this database. Older code keeps working as long as
                // migrations only add to the schema, so this is not an error.
                LogUnknownMigration(logger, fileName, version);
                continue;
            }

            if (script.Sha256 != sha256)
            {
                throw new MigrationException(
                    $"Migration {script.FileName} was changed after it was applied to this database as {fileName} " +
                    $"(recorded SHA-256 {sha256}, embedded {script.Sha256}). Restore the original text and put the change into a new migration file.");
            }
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        LogApplyingMigration(logger, script.FileName, connection.Database);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var migration = new NpgsqlCommand(script.Sql, connection, transaction))
            {
                // Index builds on large tables can take long, so only the caller's token bounds the run.
                migration.CommandTimeout = 0;
                await migration.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand(
                "INSERT INTO vigil_schema_migrations (version, file_name, sha256) VALUES (@version, @file_name, @sha256)",
                connection,
                transaction))
            {
                record.Parameters.AddWithValue("version", script.Version);
                record.Parameters.AddWithValue("file_name", script.FileName);
                record.Parameters.AddWithValue("sha256", script.Sha256);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException exception)
        {
            throw new MigrationException(
                $"Migration {script.FileName} failed and was rolled back: {exception.SqlState} {exception.MessageText}" +
                (exception.Position > 0 ? $" (at character {exception.Position} of the file)." : "."),
                exception);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
