using Npgsql;
using Vigil.Faults.Tests.Infrastructure;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Faults.Tests;

/// <summary>A silo whose database cannot be used stops at start with a message that states why.</summary>
[Collection(FaultsCollection.Name)]
public sealed class StartupFailureTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task WrongPassword_ExitsNamingPassword()
    {
        var server = await LocalPostgres.GetConnectionStringAsync();
        var wrong = new NpgsqlConnectionStringBuilder(server) { Password = "not-the-password" }.ConnectionString;

        await using var silo = StartSilo(wrong, migrateOnStart: true);
        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 3, $"exit code {exitCode}:\n{silo.Output}");
        Assert.Contains("Vigil cannot start: PostgreSQL rejected the password of role 'vigil'", silo.Output, StringComparison.Ordinal);
        Assert.Contains("(error 28P01)", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaMissing_NoMigrate_ExitsNamingSchema()
    {
        var server = await LocalPostgres.GetConnectionStringAsync();
        var name = "vigil_empty_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE {name}");
        try
        {
            var empty = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;

            await using var silo = StartSilo(empty, migrateOnStart: false);
            var exitCode = await silo.WaitForExitAsync(ExitTimeout);

            Assert.True(exitCode == 3, $"exit code {exitCode}:\n{silo.Output}");
            Assert.Contains($"Vigil cannot start: The database '{name}' at 127.0.0.1:", silo.Output, StringComparison.Ordinal);
            Assert.Contains("misses", silo.Output, StringComparison.Ordinal);
            Assert.Contains("(first missing: 0001_orleans_clustering.sql)", silo.Output, StringComparison.Ordinal);
            Assert.Contains("Run `vigil db migrate`", silo.Output, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            // Not asserted here, so that a failed drop cannot hide the test's own failure.
            await DatabaseDrop.DropAsync(server, name, CancellationToken.None);
        }
    }

    [Fact]
    public async Task ServerUnreachable_ExitsNamingAddress()
    {
        var server = await LocalPostgres.GetConnectionStringAsync();
        var port = FreePort.Next();
        var nowhere = new NpgsqlConnectionStringBuilder(server) { Port = port, Timeout = 3 }.ConnectionString;

        await using var silo = StartSilo(nowhere, migrateOnStart: true);
        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 3, $"exit code {exitCode}:\n{silo.Output}");
        Assert.Contains($"Vigil cannot start: PostgreSQL cannot be reached at 'vigil' at 127.0.0.1:{port}", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSignInConfigured_ExitsNamingSettings()
    {
        var server = await LocalPostgres.GetConnectionStringAsync();

        await using var silo = StartSilo(server, migrateOnStart: true, localAccounts: false);
        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{silo.Output}");
        Assert.Contains("No console sign-in is configured", silo.Output, StringComparison.Ordinal);
        Assert.Contains("Vigil:Console:Oidc:Authority", silo.Output, StringComparison.Ordinal);
        Assert.Contains("Vigil:Console:LocalDemo=true", silo.Output, StringComparison.Ordinal);
    }

    private static SiloProcess StartSilo(string connectionString, bool migrateOnStart, bool localAccounts = true) => SiloProcess.Start("starting-silo", new Dictionary<string, string>
    {
        ["Vigil__Database__ConnectionString"] = connectionString,
        ["Vigil__Database__MigrateOnStart"] = migrateOnStart ? "true" : "false",
        ["Vigil__Cluster__ClusterId"] = "startup-" + Guid.NewGuid().ToString("N")[..8],
        ["Vigil__Console__LocalAccounts"] = localAccounts ? "true" : "false",
    });

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
