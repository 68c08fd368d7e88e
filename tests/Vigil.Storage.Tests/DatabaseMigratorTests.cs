using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Testing;

namespace Vigil.Storage.Tests;

public sealed class DatabaseMigratorTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly IReadOnlyList<MigrationScript> Embedded = MigrationScript.LoadEmbedded();

    [Fact]
    public void Embedded_VersionsAscendFromOne()
    {
        // Branches reserve migration numbers ahead, so a branch may miss a number until the others merge.
        var versions = Embedded.Select(script => script.Version).ToList();
        Assert.Equal(1, versions[0]);
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public async Task SecondRun_AppliesNothing()
    {
        var report = await NewMigrator().MigrateAsync(database.ConnectionString, CancellationToken.None);

        Assert.Empty(report.Applied);
        Assert.Equal(Embedded.Select(script => script.FileName), report.AlreadyApplied);
    }

    [Fact]
    public async Task History_RecordsEveryChecksum()
    {
        await using var command = database.DataSource.CreateCommand("SELECT file_name, sha256 FROM vigil_schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var recorded = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            recorded.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.Equal(Embedded.Select(script => (script.FileName, script.Sha256)), recorded);
    }

    [Fact]
    public async Task ChangedMigration_IsRejected()
    {
        var original = Embedded[0];
        var edited = MigrationScript.FromText(original.FileName, original.Sql + "\n-- edited after release\n");
        var migrator = NewMigrator([edited, .. Embedded.Skip(1)]);

        var error = await Assert.ThrowsAsync<MigrationException>(
            () => migrator.MigrateAsync(database.ConnectionString, CancellationToken.None));

        Assert.Contains(original.FileName, error.Message, StringComparison.Ordinal);
        Assert.Contains(original.Sha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingMigration_RollsBack()
    {
        var broken = MigrationScript.FromText(
            "9999_broken.sql", "CREATE TABLE migrator_half_done (id integer);\nSELECT * FROM no_such_table;\n");
        var migrator = NewMigrator([.. Embedded, broken]);

        var error = await Assert.ThrowsAsync<MigrationException>(
            () => migrator.MigrateAsync(database.ConnectionString, CancellationToken.None));

        Assert.Contains("9999_broken.sql", error.Message, StringComparison.Ordinal);
        Assert.False(await ExistsAsync("SELECT to_regclass('migrator_half_done') IS NOT NULL"));
        Assert.False(await ExistsAsync("SELECT EXISTS (SELECT 1 FROM vigil_schema_migrations WHERE version = 9999)"));
    }

    [Fact]
    public async Task ConcurrentRuns_ApplyEachOnce()
    {
        var serverConnectionString = await LocalPostgres.GetConnectionStringAsync();
        var databaseName = "vigil_test_" + Guid.NewGuid().ToString("N");
        await ExecuteOnServerAsync(serverConnectionString, $"CREATE DATABASE {databaseName}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = databaseName }.ConnectionString;

            var reports = await Task.WhenAll(
                NewMigrator().MigrateAsync(connectionString, CancellationToken.None),
                NewMigrator().MigrateAsync(connectionString, CancellationToken.None));

            var applied = reports.SelectMany(report => report.Applied).Order(StringComparer.Ordinal);
            Assert.Equal(Embedded.Select(script => script.FileName).Order(StringComparer.Ordinal), applied);
        }
        finally
        {
            // Not asserted here, so that a failed drop cannot hide the test's own failure.
            await DatabaseDrop.DropAsync(serverConnectionString, databaseName, CancellationToken.None);
        }
    }

    private static DatabaseMigrator NewMigrator(IReadOnlyList<MigrationScript>? scripts = null) =>
        new(NullLogger<DatabaseMigrator>.Instance, scripts ?? Embedded);

    private async Task<bool> ExistsAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteOnServerAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
