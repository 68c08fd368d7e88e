using Npgsql;
using Vigil.Testing;
using static Vigil.Storage.Tests.Sql.OrleansQueries;

namespace Vigil.Storage.Tests.Sql;

/// <summary>The grain storage query texts against the contract of the Orleans 10.4.2 persistence provider.</summary>
public sealed class StorageQueryTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan LockWaitTimeout = TimeSpan.FromSeconds(30);

    private readonly OrleansQueries queries = new(database.DataSource);
    private readonly string serviceId = "service-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task FirstWrite_ReturnsVersionOne()
    {
        var version = await WriteAsync("key-a", null, [1, 2, 3]);

        Assert.Equal(1, version);
        var row = Assert.Single(await ReadAsync("key-a"));
        Assert.Equal(new byte[] { 1, 2, 3 }, row["payloadbinary"]);
        Assert.Equal(1, row["version"]);
    }

    [Fact]
    public async Task Write_StaleVersion_ChangesNothing()
    {
        Assert.Equal(1, await WriteAsync("key-a", null, [1]));
        Assert.Equal(2, await WriteAsync("key-a", 1, [2]));

        var stale = await WriteAsync("key-a", 1, [3]);
        var secondInsert = await WriteAsync("key-a", null, [4]);

        Assert.Null(stale);
        Assert.Null(secondInsert);
        var row = Assert.Single(await ReadAsync("key-a"));
        Assert.Equal(new byte[] { 2 }, row["payloadbinary"]);
        Assert.Equal(2, row["version"]);
    }

    [Fact]
    public async Task Write_AtInt32Max_ReturnsNoVersion()
    {
        Assert.Equal(1, await WriteAsync("key-a", null, [1]));
        await using (var command = database.DataSource.CreateCommand(
            "UPDATE orleans_storage SET version = 2147483647 WHERE service_id = @service"))
        {
            command.Parameters.AddWithValue("service", serviceId);
            await command.ExecuteNonQueryAsync();
        }

        var version = await WriteAsync("key-a", int.MaxValue, [2]);

        Assert.Null(version);
        Assert.Equal(new byte[] { 1 }, Assert.Single(await ReadAsync("key-a"))["payloadbinary"]);
    }

    [Fact]
    public async Task ConcurrentFirstWrites_LeaveOneRow()
    {
        // The first writer's insert stays uncommitted while the second writer runs into it.
        await using var first = await database.DataSource.OpenConnectionAsync();
        await using var firstTransaction = await first.BeginTransactionAsync();
        var firstResult = await OrleansQueries.ReadAsync(first, "WriteToStorageKey", WriteParameters("key-race", null, [1]));
        Assert.Equal(1, Assert.Single(firstResult)["newgrainstateversion"]);

        var second = WriteAsync("key-race", null, [2]);
        await WaitUntilBlockedAsync(first.ProcessID);
        await firstTransaction.CommitAsync();

        Assert.Null(await second);
        var row = Assert.Single(await ReadAsync("key-race"));
        Assert.Equal(new byte[] { 1 }, row["payloadbinary"]);
        Assert.Equal(1L, await RowCountAsync());
    }

    [Fact]
    public async Task Clear_ThenRead_KeepsVersion()
    {
        Assert.Equal(1, await WriteAsync("key-a", null, [1]));

        var cleared = await queries.ScalarAsync("ClearStorageKey", [.. Identity("key-a"), Int("GrainStateVersion", 1)]);

        Assert.Equal(2, cleared);
        var row = Assert.Single(await ReadAsync("key-a"));
        Assert.Null(row["payloadbinary"]);
        Assert.Equal(2, row["version"]);
        Assert.Equal(3, await WriteAsync("key-a", 2, [5]));
    }

    [Fact]
    public async Task Clear_StaleVersion_ReturnsNoRow()
    {
        Assert.Equal(1, await WriteAsync("key-a", null, [1]));
        Assert.Equal(2, await WriteAsync("key-a", 1, [2]));

        var rows = await queries.ReadAsync("ClearStorageKey", [.. Identity("key-a"), Int("GrainStateVersion", 1)]);

        Assert.Empty(rows);
        Assert.Equal(new byte[] { 2 }, Assert.Single(await ReadAsync("key-a"))["payloadbinary"]);
    }

    [Fact]
    public async Task Delete_ThenWrite_InsertsAgain()
    {
        Assert.Equal(1, await WriteAsync("key-a", null, [1]));

        var deleted = await queries.ScalarAsync("DeleteStorageKey", [.. Identity("key-a"), Int("GrainStateVersion", 1)]);

        Assert.NotNull(deleted);
        Assert.NotEqual("1", deleted.ToString());
        Assert.Empty(await ReadAsync("key-a"));
        Assert.Equal(1, await WriteAsync("key-a", null, [2]));
    }

    [Fact]
    public async Task NullExtension_DiffersFromEmptyExtension()
    {
        Assert.Equal(1, await WriteAsync(null, null, [1]));

        var emptyRead = await ReadAsync(string.Empty);
        var emptyWrite = await WriteAsync(string.Empty, null, [2]);

        Assert.Empty(emptyRead);
        Assert.Equal(1, emptyWrite);
        Assert.Equal(2L, await RowCountAsync());
        Assert.Equal(new byte[] { 1 }, Assert.Single(await ReadAsync(null))["payloadbinary"]);
        Assert.Equal(new byte[] { 2 }, Assert.Single(await ReadAsync(string.Empty))["payloadbinary"]);
    }

    [Fact]
    public async Task Identity_OtherServiceOrType_NotShared()
    {
        Assert.Equal(1, await WriteAsync("key-a", null, [1]));

        var otherType = Identity("key-a", grainType: "other-state");
        var otherService = Identity("key-a", service: serviceId + "-other");

        Assert.Empty(await queries.ReadAsync("ReadFromStorageKey", otherType));
        Assert.Empty(await queries.ReadAsync("ReadFromStorageKey", otherService));
    }

    private NpgsqlParameter[] Identity(string? extension, string grainType = "state", string? service = null) =>
    [
        Int("GrainIdHash", extension?.Length ?? -1),
        Long("GrainIdN0", 0),
        Long("GrainIdN1", 0),
        Int("GrainTypeHash", grainType.Length),
        Text("GrainTypeString", grainType),
        Text("GrainIdExtensionString", extension),
        Text("ServiceId", service ?? serviceId),
    ];

    private NpgsqlParameter[] WriteParameters(string? extension, int? version, byte[] payload) =>
        [.. Identity(extension), Int("GrainStateVersion", version), Bytes("PayloadBinary", payload)];

    private async Task<int?> WriteAsync(string? extension, int? version, byte[] payload)
    {
        var rows = await queries.ReadAsync("WriteToStorageKey", WriteParameters(extension, version, payload));
        return rows.Count == 0 ? null : (int?)Assert.Single(rows)["newgrainstateversion"];
    }

    private async Task<List<Dictionary<string, object?>>> ReadAsync(string? extension) =>
        await queries.ReadAsync("ReadFromStorageKey", Identity(extension));

    private async Task<long> RowCountAsync()
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM orleans_storage WHERE service_id = @service");
        command.Parameters.AddWithValue("service", serviceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls pg_stat_activity until a session waits for a lock held by <paramref name="holderProcessId"/>.</summary>
    private async Task WaitUntilBlockedAsync(int holderProcessId) =>
        await Eventually.WaitUntilAsync(
            async () =>
            {
                await using var command = database.DataSource.CreateCommand(
                    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE @holder = ANY (pg_blocking_pids(pid)))");
                command.Parameters.AddWithValue("holder", holderProcessId);
                return (bool)(await command.ExecuteScalarAsync())!;
            },
            LockWaitTimeout,
            "the second writer waits for the first writer's uncommitted insert");
}
