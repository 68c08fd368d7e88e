using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Storage;

namespace Vigil.Testing;

/// <summary>
/// A fresh, migrated database on the local PostgreSQL cluster for one test class
/// (use it as <c>IClassFixture&lt;PostgresFixture&gt;</c>). It starts the cluster with
/// <c>deploy/local/pg-start.sh</c> when needed, creates a database with a unique name, applies
/// Vigil's migrations, and drops the database again on dispose.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private NpgsqlDataSource? dataSource;
    private string? connectionString;
    private string? serverConnectionString;

    /// <summary>The unique database name, <c>vigil_test_</c> followed by 32 hex digits.</summary>
    public string DatabaseName { get; } = "vigil_test_" + Guid.NewGuid().ToString("N");

    /// <summary>The Npgsql connection string of the fixture's database, as the role <c>vigil</c>.</summary>
    public string ConnectionString => connectionString ?? throw NotInitialized();

    /// <summary>A data source for the fixture's database, disposed with the fixture.</summary>
    public NpgsqlDataSource DataSource => dataSource ?? throw NotInitialized();

    /// <summary>Creates the database and applies the migrations.</summary>
    public async Task InitializeAsync()
    {
        serverConnectionString = await LocalPostgres.GetConnectionStringAsync();
        await using (var server = new NpgsqlConnection(serverConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", server);
            await create.ExecuteNonQueryAsync();
        }

        connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = DatabaseName }.ConnectionString;
        await new DatabaseMigrator(NullLogger<DatabaseMigrator>.Instance).MigrateAsync(connectionString, CancellationToken.None);
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Drops the database, ending any session that still uses it.</summary>
    public async Task DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }

        if (connectionString is not null)
        {
            // Pooled connections from code under test (such as Orleans providers) would break once
            // the database is gone, so empty the pool first.
            await using var pooled = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(pooled);
        }

        if (serverConnectionString is not null)
        {
            if (await DatabaseDrop.DropAsync(serverConnectionString, DatabaseName, CancellationToken.None) is { } failure)
            {
                throw new InvalidOperationException($"The test database {DatabaseName} could not be dropped: {failure.MessageText}", failure);
            }
        }
    }

    private static InvalidOperationException NotInitialized() =>
        new("The PostgresFixture is not initialized; xUnit calls InitializeAsync before the tests of a class fixture run.");
}
