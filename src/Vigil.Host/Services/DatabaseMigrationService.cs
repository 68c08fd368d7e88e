using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using Vigil.Host.Configuration;
using Vigil.Storage;

namespace Vigil.Host.Services;

/// <summary>
/// Applies pending schema migrations before the silo starts; registered ahead of Orleans so it runs
/// first. With <c>MigrateOnStart</c> off it only checks that the schema is complete. Either way, a
/// database that cannot be used stops the host with a <see cref="DatabaseStartupException"/> that
/// names the cause: wrong credentials, missing database, unreachable server, or missing schema.
/// </summary>
public sealed partial class DatabaseMigrationService(DatabaseMigrator migrator, IOptions<VigilHostOptions> options, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        try
        {
            if (database.MigrateOnStart)
            {
                var report = await migrator.MigrateAsync(database.ConnectionString!, cancellationToken);
                LogMigrated(logger, report.Applied.Count, report.AlreadyApplied.Count);
                return;
            }

            var pending = await migrator.ListPendingAsync(database.ConnectionString!, cancellationToken);
            if (pending.Count > 0)
            {
                throw new DatabaseStartupException(MissingSchemaMessage(database.ConnectionString!, pending));
            }

            LogSchemaChecked(logger);
        }
        catch (NpgsqlException exception)
        {
            throw new DatabaseStartupException(Explain(database.ConnectionString!, exception), exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Returns the reason the database cannot be used, for an operator, without the password.</summary>
    internal static string Explain(string connectionString, NpgsqlException exception)
    {
        var target = Describe(connectionString);
        if (exception is PostgresException postgres)
        {
            return postgres.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword =>
                    $"PostgreSQL rejected the password of role '{Role(connectionString)}' on {target} (error 28P01). Set the right password in Vigil:Database:ConnectionString.",
                PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    $"PostgreSQL refused the sign-in of role '{Role(connectionString)}' on {target} (error 28000): {postgres.MessageText}. Check the role and pg_hba.conf.",
                PostgresErrorCodes.InvalidCatalogName =>
                    $"The database does not exist on {target} (error 3D000). Create it, or fix Database in Vigil:Database:ConnectionString.",
                PostgresErrorCodes.InsufficientPrivilege =>
                    $"Role '{Role(connectionString)}' lacks a privilege on {target} (error 42501): {postgres.MessageText}.",
                _ => $"PostgreSQL on {target} returned error {postgres.SqlState}: {postgres.MessageText}",
            };
        }

        if (exception.InnerException is SocketException or TimeoutException || exception.InnerException?.InnerException is SocketException)
        {
            return $"PostgreSQL cannot be reached at {target}: {exception.InnerException!.Message}. Check that the server runs and Host and Port in Vigil:Database:ConnectionString.";
        }

        return $"Using the database {target} failed: {exception.Message}";
    }

    private static string MissingSchemaMessage(string connectionString, IReadOnlyList<string> pending) =>
        $"The database {Describe(connectionString)} misses {pending.Count} of Vigil's schema migrations (first missing: {pending[0]})" +
        ", and Vigil:Database:MigrateOnStart is false. Run `vigil db migrate` against it, or set Vigil:Database:MigrateOnStart to true.";

    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"'{builder.Database}' at {builder.Host}:{builder.Port}";
    }

    private static string? Role(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Username;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current: {Applied} migrations applied now, {AlreadyApplied} earlier")]
    private static partial void LogMigrated(ILogger logger, int applied, int alreadyApplied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is complete; migrations at start are turned off")]
    private static partial void LogSchemaChecked(ILogger logger);
}

/// <summary>Raised at start when the database cannot be used; the message states why and what to fix.</summary>
public sealed class DatabaseStartupException : Exception
{
    public DatabaseStartupException(string message)
        : base(message)
    {
    }

    public DatabaseStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
