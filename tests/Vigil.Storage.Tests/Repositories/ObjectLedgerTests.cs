using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class ObjectLedgerTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string ObjectKey = "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/03/01/file.json.gz";

    private readonly PostgresObjectLedger ledger = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task IsDone_UnknownObject_False()
    {
        Assert.False(await ledger.IsDoneAsync(tenant, ObjectKey, "size=1", default));
    }

    [Fact]
    public async Task IsDone_SameFingerprint_True()
    {
        await ledger.RecordAsync(Record("size=1", error: null), default);

        Assert.True(await ledger.IsDoneAsync(tenant, ObjectKey, "size=1", default));
        Assert.False(await ledger.IsDoneAsync(tenant, ObjectKey, "size=2", default));
        Assert.False(await ledger.IsDoneAsync(tenant + "-b", ObjectKey, "size=1", default));
    }

    [Fact]
    public async Task IsDone_WithError_False()
    {
        await ledger.RecordAsync(Record("size=1", error: "truncated gzip stream"), default);

        Assert.False(await ledger.IsDoneAsync(tenant, ObjectKey, "size=1", default));
    }

    [Fact]
    public async Task Record_Again_ReplacesOutcome()
    {
        await ledger.RecordAsync(Record("size=1", error: "truncated gzip stream"), default);
        await ledger.RecordAsync(Record("size=1", error: null), default);

        Assert.True(await ledger.IsDoneAsync(tenant, ObjectKey, "size=1", default));
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
        FinishedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 5, TimeSpan.Zero),
    };
}
