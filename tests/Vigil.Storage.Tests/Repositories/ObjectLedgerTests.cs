using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class ObjectLedgerTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string ObjectKey = "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/03/01/file.json.gz";

    private readonly PostgresObjectLedger ledger = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    private static readonly DateTimeOffset Finished = new(2026, 3, 1, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public async Task Decide_UnknownObject_Read()
    {
        Assert.Equal(ObjectReadDecision.Read, await DecideAsync("size=1", Finished));
    }

    [Fact]
    public async Task Decide_SameFingerprint_AlreadyDone()
    {
        await ledger.RecordAsync(Record("size=1", error: null), default);

        Assert.Equal(ObjectReadDecision.AlreadyDone, await DecideAsync("size=1", Finished));
        Assert.Equal(ObjectReadDecision.Read, await DecideAsync("size=2", Finished));
        Assert.Equal(ObjectReadDecision.Read, await ledger.DecideAsync(tenant + "-b", ObjectKey, "size=1", Finished, default));
    }

    [Fact]
    public async Task Decide_AfterFailure_WaitsThenReads()
    {
        await ledger.RecordAsync(Record("size=1", error: "truncated gzip stream"), default);

        Assert.Equal(ObjectReadDecision.WaitingForRetry, await DecideAsync("size=1", Finished.AddSeconds(29)));
        Assert.Equal(ObjectReadDecision.Read, await DecideAsync("size=1", Finished.AddSeconds(30)));
    }

    [Fact]
    public async Task Decide_RepeatedFailures_BackOffThenGiveUp()
    {
        for (var attempt = 1; attempt < ObjectRetryPolicy.MaxAttempts; attempt++)
        {
            await ledger.RecordAsync(Record("size=1", error: "truncated gzip stream"), default);
        }

        // After 5 failures the next attempt waits 30 s * 2^4 = 8 minutes.
        Assert.Equal(ObjectReadDecision.WaitingForRetry, await DecideAsync("size=1", Finished.AddMinutes(8).AddSeconds(-1)));
        Assert.Equal(ObjectReadDecision.Read, await DecideAsync("size=1", Finished.AddMinutes(8)));

        await ledger.RecordAsync(Record("size=1", error: "truncated gzip stream"), default);
        Assert.Equal(ObjectReadDecision.GaveUp, await DecideAsync("size=1", Finished.AddDays(1)));
        Assert.Equal(ObjectReadDecision.Read, await DecideAsync("size=2", Finished.AddDays(1)));
    }

    [Fact]
    public async Task Record_Again_ReplacesOutcome()
    {
        await ledger.RecordAsync(Record("size=1", error: "truncated gzip stream"), default);
        await ledger.RecordAsync(Record("size=1", error: null), default);

        Assert.Equal(ObjectReadDecision.AlreadyDone, await DecideAsync("size=1", Finished));
        await using var command = database.DataSource.CreateCommand(
            "SELECT count(*) FROM ingested_objects WHERE tenant_id = @tenant");
        command.Parameters.AddWithValue("tenant", tenant);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    private ObjectRecord Record(string fingerprint, string? error) => new()
    {
        TenantId = tenant,
        ObjectKey = ObjectKey,
        Fingerprint = fingerprint,
        Kind = ObjectKind.CloudTrail,
        RecordsRead = 10,
        RecordsRejected = 1,
        DuplicatesDropped = 2,
        FindingsRaised = 3,
        Error = error,
        StartedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        FinishedAt = Finished,
    };

    private Task<ObjectReadDecision> DecideAsync(string fingerprint, DateTimeOffset now) =>
        ledger.DecideAsync(tenant, ObjectKey, fingerprint, now, default);
}
