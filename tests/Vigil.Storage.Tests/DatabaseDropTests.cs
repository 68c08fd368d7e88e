using Npgsql;
using Vigil.Testing;

namespace Vigil.Storage.Tests;

public sealed class DatabaseDropTests
{
    [Fact]
    public async Task Drop_SessionStillOpen_EndsItAndDrops()
    {
        var server = await LocalPostgres.GetConnectionStringAsync();
        var name = "vigil_test_" + Guid.NewGuid().ToString("N");
        await using (var create = new NpgsqlConnection(server))
        {
            await create.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", create);
            await command.ExecuteNonQueryAsync();
        }

        // Outside any pool, so the session stays open until the server ends it.
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false };
        await using var open = new NpgsqlConnection(builder.ConnectionString);
        await open.OpenAsync();

        var failure = await DatabaseDrop.DropAsync(server, name, CancellationToken.None);

        Assert.Null(failure);
        await using var check = new NpgsqlConnection(server);
        await check.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", check);
        exists.Parameters.AddWithValue("name", name);
        Assert.Equal(0L, (long)(await exists.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Drop_MissingDatabase_Succeeds()
    {
        var server = await LocalPostgres.GetConnectionStringAsync();

        Assert.Null(await DatabaseDrop.DropAsync(server, "vigil_test_" + Guid.NewGuid().ToString("N"), CancellationToken.None));
    }
}
