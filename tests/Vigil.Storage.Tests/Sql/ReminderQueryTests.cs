using Vigil.Testing;
using static Vigil.Storage.Tests.Sql.OrleansQueries;

namespace Vigil.Storage.Tests.Sql;

/// <summary>The reminder query texts against the contract of the Orleans 10.4.2 reminder provider.</summary>
public sealed class ReminderQueryTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly DateTime StartTime = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    // Grain hashes spread over the signed 32-bit ring, including both extremes of the range used.
    private static readonly int[] Hashes = [-2_000_000_000, -5, 0, 7, 2_000_000_000];

    private readonly OrleansQueries queries = new(database.DataSource);
    private readonly string serviceId = "service-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Upsert_Twice_ReturnsNewVersion()
    {
        var first = await UpsertAsync("grain/a", "tick", 0, TimeSpan.FromMinutes(1));
        var second = await UpsertAsync("grain/a", "tick", 0, TimeSpan.FromMinutes(2));

        Assert.NotEqual(first, second);
        var row = Assert.Single(await ReadRowAsync("grain/a", "tick"));
        Assert.Equal(second, row["version"]);
        Assert.Equal(120_000L, row["period"]);
    }

    [Fact]
    public async Task Upsert_PeriodBeyondInt32_RoundTrips()
    {
        var period = TimeSpan.FromDays(40);

        await queries.ScalarAsync(
            "UpsertReminderRowKey",
            Text("ServiceId", serviceId), Text("GrainId", "grain/long"), Text("ReminderName", "tick"),
            Time("StartTime", StartTime), Long("Period", (long)period.TotalMilliseconds), Int("GrainHash", 1));

        var row = Assert.Single(await ReadRowAsync("grain/long", "tick"));
        Assert.Equal((long)period.TotalMilliseconds, row["period"]);
        Assert.Equal(StartTime, ((DateTime)row["starttime"]!).ToUniversalTime());
    }

    [Fact]
    public async Task Delete_OldVersion_ReturnsFalse()
    {
        var old = await UpsertAsync("grain/a", "tick", 0, TimeSpan.FromMinutes(1));
        var current = await UpsertAsync("grain/a", "tick", 0, TimeSpan.FromMinutes(1));

        var staleDelete = await DeleteAsync("grain/a", "tick", old);
        Assert.False(Convert.ToBoolean(staleDelete));
        Assert.Single(await ReadRowAsync("grain/a", "tick"));

        var delete = await DeleteAsync("grain/a", "tick", current);
        Assert.True(Convert.ToBoolean(delete));
        Assert.Empty(await ReadRowAsync("grain/a", "tick"));
    }

    [Fact]
    public async Task ReadRows_ReturnsOnlyThatGrain()
    {
        await UpsertAsync("grain/a", "one", 1, TimeSpan.FromMinutes(1));
        await UpsertAsync("grain/a", "two", 1, TimeSpan.FromMinutes(1));
        await UpsertAsync("grain/b", "one", 2, TimeSpan.FromMinutes(1));

        var rows = await queries.ReadAsync("ReadReminderRowsKey", Text("ServiceId", serviceId), Text("GrainId", "grain/a"));

        Assert.Equal(["one", "two"], rows.Select(row => (string)row["remindername"]!).Order());
        Assert.All(rows, row => Assert.Equal("grain/a", row["grainid"]));
    }

    [Theory]
    [InlineData(-10, 7, new[] { -5, 0, 7 })]
    [InlineData(-2_000_000_001, -5, new[] { -2_000_000_000, -5 })]
    [InlineData(-5, 2_000_000_000, new[] { 0, 7, 2_000_000_000 })]
    public async Task ReadRange_BeginBelowEnd_ExcludesBegin(int begin, int end, int[] expected)
    {
        await InsertRingAsync();

        var hashes = await ReadRangeAsync("ReadRangeRows1Key", begin, end);

        Assert.Equal(expected, hashes);
    }

    [Theory]
    [InlineData(7, -5, new[] { -2_000_000_000, -5, 2_000_000_000 })]
    [InlineData(0, -2_000_000_000, new[] { -2_000_000_000, 7, 2_000_000_000 })]
    [InlineData(0, 0, new[] { -2_000_000_000, -5, 0, 7, 2_000_000_000 })]
    [InlineData(-5, -5, new[] { -2_000_000_000, -5, 0, 7, 2_000_000_000 })]
    public async Task ReadRange_BeginNotBelowEnd_Wraps(int begin, int end, int[] expected)
    {
        await InsertRingAsync();

        var hashes = await ReadRangeAsync("ReadRangeRows2Key", begin, end);

        Assert.Equal(expected, hashes);
    }

    [Fact]
    public async Task DeleteRows_RemovesOnlyThatService()
    {
        var otherService = serviceId + "-other";
        await UpsertAsync("grain/a", "tick", 0, TimeSpan.FromMinutes(1));
        await queries.ScalarAsync(
            "UpsertReminderRowKey",
            Text("ServiceId", otherService), Text("GrainId", "grain/a"), Text("ReminderName", "tick"),
            Time("StartTime", StartTime), Int("Period", 60_000), Int("GrainHash", 0));

        await queries.ReadAsync("DeleteReminderRowsKey", Text("ServiceId", serviceId));

        Assert.Empty(await ReadRowAsync("grain/a", "tick"));
        var other = await queries.ReadAsync(
            "ReadReminderRowsKey", Text("ServiceId", otherService), Text("GrainId", "grain/a"));
        Assert.Single(other);
    }

    private async Task InsertRingAsync()
    {
        foreach (var hash in Hashes)
        {
            await UpsertAsync($"grain/{hash}", "tick", hash, TimeSpan.FromMinutes(1));
        }
    }

    private async Task<int[]> ReadRangeAsync(string queryKey, int begin, int end)
    {
        var rows = await queries.ReadAsync(
            queryKey, Text("ServiceId", serviceId), Int("BeginHash", begin), Int("EndHash", end));
        return rows.Select(row => int.Parse(((string)row["grainid"]!)["grain/".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Order()
            .ToArray();
    }

    private async Task<int> UpsertAsync(string grainId, string reminderName, int grainHash, TimeSpan period)
    {
        var version = await queries.ScalarAsync(
            "UpsertReminderRowKey",
            Text("ServiceId", serviceId), Text("GrainId", grainId), Text("ReminderName", reminderName),
            Time("StartTime", StartTime), Int("Period", (int)period.TotalMilliseconds), Int("GrainHash", grainHash));
        return (int)version!;
    }

    private async Task<object?> DeleteAsync(string grainId, string reminderName, int version) =>
        await queries.ScalarAsync(
            "DeleteReminderRowKey",
            Text("ServiceId", serviceId), Text("GrainId", grainId), Text("ReminderName", reminderName), Int("Version", version));

    private async Task<List<Dictionary<string, object?>>> ReadRowAsync(string grainId, string reminderName) =>
        await queries.ReadAsync(
            "ReadReminderRowKey", Text("ServiceId", serviceId), Text("GrainId", grainId), Text("ReminderName", reminderName));
}
