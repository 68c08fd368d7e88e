using Npgsql;
using Vigil.Testing;
using static Vigil.Storage.Tests.Sql.OrleansQueries;

namespace Vigil.Storage.Tests.Sql;

/// <summary>The membership query texts against the contract of the Orleans 10.4.2 clustering provider.</summary>
public sealed class ClusteringQueryTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const int Active = 3;
    private const int Joining = 2;
    private const int Dead = 6;
    private const string Address = "127.0.0.1";

    private static readonly DateTime StartTime = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private readonly OrleansQueries queries = new(database.DataSource);
    private readonly string deployment = "cluster-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task InsertVersion_SecondCall_ReturnsFalse()
    {
        var first = await queries.ScalarAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment));
        var second = await queries.ScalarAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment));

        Assert.True(Convert.ToBoolean(first));
        Assert.False(Convert.ToBoolean(second));
        Assert.Equal(0, await TableVersionAsync());
    }

    [Fact]
    public async Task ReadAll_NoSilos_ReturnsVersionRow()
    {
        await InitVersionAsync();

        var rows = await queries.ReadAsync("MembershipReadAllKey", Text("DeploymentId", deployment));

        var row = Assert.Single(rows);
        Assert.Equal(0, row["version"]);
        Assert.Null(row["starttime"]);
    }

    [Fact]
    public async Task ReadRow_AbsentSilo_ReturnsVersionRow()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0));

        var rows = await queries.ReadAsync(
            "MembershipReadRowKey",
            Text("DeploymentId", deployment), Text("Address", Address), Int("Port", 22222), Int("Generation", 1));

        var row = Assert.Single(rows);
        Assert.Equal(1, row["version"]);
        Assert.Null(row["starttime"]);
    }

    [Fact]
    public async Task InsertMembership_BumpsVersionByOne()
    {
        await InitVersionAsync();

        Assert.True(await InsertSiloAsync(port: 11111, version: 0));
        Assert.True(await InsertSiloAsync(port: 11112, version: 1));

        Assert.Equal(2, await TableVersionAsync());
        var rows = await queries.ReadAsync("MembershipReadAllKey", Text("DeploymentId", deployment));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(2, row["version"]));
        Assert.All(rows, row => Assert.Equal("host-a", row["hostname"]));
        Assert.All(rows, row => Assert.Equal("silo-a", row["siloname"]));
        Assert.All(rows, row => Assert.Null(row["suspecttimes"]));
    }

    [Fact]
    public async Task InsertMembership_StaleVersion_ChangesNothing()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0));

        var inserted = await InsertSiloAsync(port: 11112, version: 0);

        Assert.False(inserted);
        Assert.Equal(1, await TableVersionAsync());
        Assert.Equal(1L, await SiloCountAsync());
    }

    [Fact]
    public async Task InsertMembership_ExistingRow_UndoesVersionBump()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0));

        var inserted = await InsertSiloAsync(port: 11111, version: 1);

        Assert.False(inserted);
        Assert.Equal(1, await TableVersionAsync());
        Assert.Equal(1L, await SiloCountAsync());
    }

    [Fact]
    public async Task UpdateMembership_CurrentVersion_ChangesOnlyThreeColumns()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0, status: Joining));
        var aliveTime = StartTime.AddMinutes(5);

        var updated = await UpdateSiloAsync(port: 11111, version: 1, status: Active, suspectTimes: "x", aliveTime);

        Assert.True(updated);
        Assert.Equal(2, await TableVersionAsync());
        var row = await ReadSiloAsync(11111);
        Assert.Equal(Active, row["status"]);
        Assert.Equal("x", row["suspecttimes"]);
        Assert.Equal(aliveTime, ((DateTime)row["iamalivetime"]!).ToUniversalTime());
        Assert.Equal(StartTime, ((DateTime)row["starttime"]!).ToUniversalTime());
        Assert.Equal("host-a", row["hostname"]);
        Assert.Equal(30000, row["proxyport"]);
    }

    [Fact]
    public async Task UpdateMembership_StaleVersion_ChangesNothing()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0, status: Joining));

        var updated = await UpdateSiloAsync(port: 11111, version: 0, status: Active, suspectTimes: null, StartTime.AddMinutes(1));

        Assert.False(updated);
        Assert.Equal(1, await TableVersionAsync());
        Assert.Equal(Joining, (await ReadSiloAsync(11111))["status"]);
    }

    [Fact]
    public async Task UpdateMembership_MissingRow_KeepsVersion()
    {
        await InitVersionAsync();

        var updated = await UpdateSiloAsync(port: 11111, version: 0, status: Active, suspectTimes: null, StartTime);

        Assert.False(updated);
        Assert.Equal(0, await TableVersionAsync());
    }

    [Fact]
    public async Task Heartbeat_KeepsVersion()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0));
        var aliveTime = StartTime.AddMinutes(10);

        await queries.ReadAsync(
            "UpdateIAmAlivetimeKey",
            Text("DeploymentId", deployment), Text("Address", Address), Int("Port", 11111), Int("Generation", 1),
            Time("IAmAliveTime", aliveTime));

        Assert.Equal(1, await TableVersionAsync());
        Assert.Equal(aliveTime, ((DateTime)(await ReadSiloAsync(11111))["iamalivetime"]!).ToUniversalTime());
    }

    [Fact]
    public async Task Gateways_OnlyActiveWithProxyPort()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0, status: Active, proxyPort: 30001));
        Assert.True(await InsertSiloAsync(port: 11112, version: 1, status: Joining, proxyPort: 30002));
        Assert.True(await InsertSiloAsync(port: 11113, version: 2, status: Dead, proxyPort: 30003));
        Assert.True(await InsertSiloAsync(port: 11114, version: 3, status: Active, proxyPort: 0));

        var rows = await queries.ReadAsync("GatewaysQueryKey", Text("DeploymentId", deployment), Int("Status", Active));

        var row = Assert.Single(rows);
        Assert.Equal(30001, row["proxyport"]);
        Assert.Equal(Address, row["address"]);
        Assert.Equal(1, row["generation"]);
    }

    [Fact]
    public async Task CleanupEntries_DeletesOnlyOldUnsuspectedDead()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0, status: Dead));
        Assert.True(await InsertSiloAsync(port: 11112, version: 1, status: Active));
        Assert.True(await InsertSiloAsync(port: 11113, version: 2, status: Dead));
        Assert.True(await UpdateSiloAsync(port: 11113, version: 3, status: Dead, suspectTimes: "suspected", StartTime));

        await queries.ReadAsync(
            "CleanupDefunctSiloEntriesKey", Text("DeploymentId", deployment), Time("IAmAliveTime", StartTime.AddHours(1)));

        Assert.Null(await TryReadSiloAsync(11111));
        Assert.NotNull(await TryReadSiloAsync(11112));
        Assert.NotNull(await TryReadSiloAsync(11113));
        Assert.Equal(4, await TableVersionAsync());
    }

    [Fact]
    public async Task CleanupEntry_DeletesOnlyMatchingCapturedRow()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0, status: Dead));
        Assert.True(await InsertSiloAsync(port: 11112, version: 1, status: Dead));
        var captured = await ReadSiloAsync(11111);
        var capturedStart = ((DateTime)captured["starttime"]!).ToUniversalTime();
        var capturedAlive = ((DateTime)captured["iamalivetime"]!).ToUniversalTime();

        // A heartbeat after the read makes the captured values of 11112 stale.
        await queries.ReadAsync(
            "UpdateIAmAlivetimeKey",
            Text("DeploymentId", deployment), Text("Address", Address), Int("Port", 11112), Int("Generation", 1),
            Time("IAmAliveTime", StartTime.AddSeconds(30)));
        await CleanupEntryAsync(11111, capturedStart, capturedAlive);
        await CleanupEntryAsync(11112, capturedStart, capturedAlive);

        Assert.Null(await TryReadSiloAsync(11111));
        Assert.NotNull(await TryReadSiloAsync(11112));
        Assert.Equal(2, await TableVersionAsync());
    }

    [Fact]
    public async Task DeleteEntries_RemovesSilosAndVersion()
    {
        await InitVersionAsync();
        Assert.True(await InsertSiloAsync(port: 11111, version: 0));

        await queries.ReadAsync("DeleteMembershipTableEntriesKey", Text("DeploymentId", deployment));

        var rows = await queries.ReadAsync("MembershipReadAllKey", Text("DeploymentId", deployment));
        Assert.Empty(rows);
        Assert.Equal(0L, await SiloCountAsync());
    }

    [Fact]
    public async Task NonUtcSessionWithoutAsserts_SameResults()
    {
        // The texts must not depend on the session time zone or on plpgsql assertions being checked.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Timezone = "Pacific/Auckland",
            Options = "-c plpgsql.check_asserts=off",
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var session = new OrleansQueries(dataSource);
        await session.ScalarAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment));

        Assert.True(await InsertSiloAsync(session, port: 11111, version: 0));
        Assert.False(await InsertSiloAsync(session, port: 11111, version: 1));

        Assert.Equal(1, await TableVersionAsync());
        var row = await ReadSiloAsync(11111);
        Assert.Equal(StartTime, ((DateTime)row["starttime"]!).ToUniversalTime());
    }

    private async Task InitVersionAsync() =>
        await queries.ScalarAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment));

    private Task<bool> InsertSiloAsync(int port, int version, int status = Active, int proxyPort = 30000) =>
        InsertSiloAsync(queries, port, version, status, proxyPort);

    private async Task<bool> InsertSiloAsync(OrleansQueries session, int port, int version, int status = Active, int proxyPort = 30000)
    {
        var result = await session.ScalarAsync(
            "InsertMembershipKey",
            Text("DeploymentId", deployment),
            Text("Address", Address),
            Int("Port", port),
            Int("Generation", 1),
            Text("SiloName", "silo-a"),
            Text("HostName", "host-a"),
            Int("Status", status),
            Int("ProxyPort", proxyPort),
            Time("StartTime", StartTime),
            Time("IAmAliveTime", StartTime),
            Int("Version", version));
        return Convert.ToBoolean(result);
    }

    private async Task<bool> UpdateSiloAsync(int port, int version, int status, string? suspectTimes, DateTime aliveTime)
    {
        var result = await queries.ScalarAsync(
            "UpdateMembershipKey",
            Text("DeploymentId", deployment),
            Text("Address", Address),
            Int("Port", port),
            Int("Generation", 1),
            Int("Status", status),
            Text("SuspectTimes", suspectTimes),
            Time("IAmAliveTime", aliveTime),
            Int("Version", version));
        return Convert.ToBoolean(result);
    }

    private async Task CleanupEntryAsync(int port, DateTime startTime, DateTime aliveTime) =>
        await queries.ReadAsync(
            "CleanupDefunctSiloEntryKey",
            Text("DeploymentId", deployment),
            Text("Address", Address),
            Int("Port", port),
            Int("Generation", 1),
            Text("SuspectTimes", null),
            Time("StartTime", startTime),
            Time("IAmAliveTime", aliveTime));

    private async Task<Dictionary<string, object?>?> TryReadSiloAsync(int port)
    {
        var rows = await queries.ReadAsync(
            "MembershipReadRowKey",
            Text("DeploymentId", deployment), Text("Address", Address), Int("Port", port), Int("Generation", 1));
        var row = Assert.Single(rows);
        return row["starttime"] is null ? null : row;
    }

    private async Task<Dictionary<string, object?>> ReadSiloAsync(int port) =>
        await TryReadSiloAsync(port) ?? throw new InvalidOperationException($"Silo row for port {port} is missing.");

    private async Task<int> TableVersionAsync()
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT version FROM orleans_membership_version WHERE deployment_id = @deployment");
        command.Parameters.AddWithValue("deployment", deployment);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> SiloCountAsync()
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT count(*) FROM orleans_membership WHERE deployment_id = @deployment");
        command.Parameters.AddWithValue("deployment", deployment);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
