using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

/// <summary>Object leases of <see cref="PostgresObjectLedger"/> between readers with different owner ids.</summary>
public sealed class ObjectLeaseTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ShortLease = ObjectLeasePolicy.MinDuration;

    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");
    private readonly List<PostgresObjectLedger> ledgers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var ledger in ledgers)
        {
            await ledger.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoOwners_RaceForEachObject_OneReads()
    {
        var first = Ledger("silo-a");
        var second = Ledger("silo-b");
        var keys = Enumerable.Range(0, 40).Select(index => $"race/{index}.json.gz").ToList();

        var decisions = await Task.WhenAll(keys.Select(async key =>
        {
            var both = await Task.WhenAll(
                first.DecideAsync(tenant, key, "size=1", Now, default),
                second.DecideAsync(tenant, key, "size=1", Now, default));
            return (Key: key, First: both[0], Second: both[1]);
        }));

        foreach (var (key, firstDecision, secondDecision) in decisions)
        {
            var reads = new[] { firstDecision, secondDecision }.Count(decision => decision == ObjectReadDecision.Read);
            Assert.True(reads == 1, $"{key}: {firstDecision} and {secondDecision}");
            Assert.Contains(ObjectReadDecision.LeasedByAnother, new[] { firstDecision, secondDecision });
        }

        Assert.Equal(keys.Count, first.HeldLeases.Count + second.HeldLeases.Count);
    }

    [Fact]
    public async Task Record_ReleasesLease_OtherSeesDone()
    {
        var first = Ledger("silo-a");
        var second = Ledger("silo-b");

        Assert.Equal(ObjectReadDecision.Read, await first.DecideAsync(tenant, "done.json.gz", "size=1", Now, default));
        Assert.Equal(ObjectReadDecision.LeasedByAnother, await second.DecideAsync(tenant, "done.json.gz", "size=1", Now, default));
        await first.RecordAsync(Record("done.json.gz", error: null), default);

        Assert.Equal(ObjectReadDecision.AlreadyDone, await second.DecideAsync(tenant, "done.json.gz", "size=1", Now, default));
        Assert.Empty(first.HeldLeases);
        Assert.Equal(0L, await LeaseRowsAsync("done.json.gz"));
    }

    [Fact]
    public async Task Release_OtherReadsAtOnce()
    {
        var first = Ledger("silo-a");
        var second = Ledger("silo-b");

        Assert.Equal(ObjectReadDecision.Read, await first.DecideAsync(tenant, "abandoned.json.gz", "size=1", Now, default));
        await first.ReleaseAsync(tenant, "abandoned.json.gz", default);

        Assert.Equal(ObjectReadDecision.Read, await second.DecideAsync(tenant, "abandoned.json.gz", "size=1", Now, default));
        Assert.Equal("silo-b", await LeaseOwnerAsync("abandoned.json.gz"));
    }

    [Fact]
    public async Task Release_ByNonHolder_KeepsLease()
    {
        var first = Ledger("silo-a");
        var second = Ledger("silo-b");

        Assert.Equal(ObjectReadDecision.Read, await first.DecideAsync(tenant, "kept.json.gz", "size=1", Now, default));
        await second.ReleaseAsync(tenant, "kept.json.gz", default);

        Assert.Equal("silo-a", await LeaseOwnerAsync("kept.json.gz"));
        Assert.Equal(ObjectReadDecision.LeasedByAnother, await second.DecideAsync(tenant, "kept.json.gz", "size=1", Now, default));
    }

    [Fact]
    public async Task SameOwner_DecidesAgain_KeepsLease()
    {
        var first = Ledger("silo-a");

        Assert.Equal(ObjectReadDecision.Read, await first.DecideAsync(tenant, "again.json.gz", "size=1", Now, default));
        Assert.Equal(ObjectReadDecision.Read, await first.DecideAsync(tenant, "again.json.gz", "size=1", Now, default));
        Assert.Equal("silo-a", await LeaseOwnerAsync("again.json.gz"));
    }

    [Fact]
    public async Task OtherTenant_SameKey_NotBlocked()
    {
        var first = Ledger("silo-a");
        var second = Ledger("silo-b");

        Assert.Equal(ObjectReadDecision.Read, await first.DecideAsync(tenant, "shared-key.json.gz", "size=1", Now, default));
        Assert.Equal(ObjectReadDecision.Read, await second.DecideAsync(tenant + "-b", "shared-key.json.gz", "size=1", Now, default));
    }

    [Fact]
    public async Task DeadHolder_LeaseExpires_TakenOver()
    {
        // The first ledger stands for a silo that died: it is disposed, so nothing renews its lease.
        var dead = Ledger("silo-dead", ShortLease);
        var survivor = Ledger("silo-alive", ShortLease);
        Assert.Equal(ObjectReadDecision.Read, await dead.DecideAsync(tenant, "orphan.json.gz", "size=1", Now, default));
        var expiresAt = await LeaseExpiryAsync("orphan.json.gz");
        await dead.DisposeAsync();

        Assert.Equal(ObjectReadDecision.LeasedByAnother, await survivor.DecideAsync(tenant, "orphan.json.gz", "size=1", Now, default));
        await Eventually.WaitUntilAsync(
            async () => await survivor.DecideAsync(tenant, "orphan.json.gz", "size=1", Now, default) == ObjectReadDecision.Read,
            TimeSpan.FromSeconds(30),
            "the survivor takes over the expired lease");

        Assert.Equal("silo-alive", await LeaseOwnerAsync("orphan.json.gz"));
        await using var command = database.DataSource.CreateCommand(
            "SELECT acquired_at FROM object_leases WHERE tenant_id = @tenant AND object_key = 'orphan.json.gz'");
        command.Parameters.AddWithValue("tenant", tenant);
        var acquiredAt = (DateTime)(await command.ExecuteScalarAsync())!;
        Assert.True(acquiredAt >= expiresAt, $"taken over at {acquiredAt:O}, before the dead holder's lease expired at {expiresAt:O}");
    }

    [Fact]
    public async Task Holder_RenewsLease_PastFirstExpiry()
    {
        var holder = Ledger("silo-reading", ShortLease);
        var other = Ledger("silo-waiting", ShortLease);
        Assert.Equal(ObjectReadDecision.Read, await holder.DecideAsync(tenant, "long.json.gz", "size=1", Now, default));
        var firstExpiry = await LeaseExpiryAsync("long.json.gz");

        // The renewal loop runs every second; wait on the database clock until the first expiry passed.
        await Eventually.WaitUntilAsync(
            async () => await DatabaseNowAsync() > firstExpiry.AddSeconds(1),
            TimeSpan.FromSeconds(30),
            "the database clock passes the first expiry");

        Assert.Equal(ObjectReadDecision.LeasedByAnother, await other.DecideAsync(tenant, "long.json.gz", "size=1", Now, default));
        Assert.True(await LeaseExpiryAsync("long.json.gz") > firstExpiry, "the lease was not renewed");
    }

    [Fact]
    public async Task TakenOver_RenewalDropsLostLease()
    {
        var slow = Ledger("silo-slow", ShortLease);
        var other = Ledger("silo-other", ShortLease);
        Assert.Equal(ObjectReadDecision.Read, await slow.DecideAsync(tenant, "lost.json.gz", "size=1", Now, default));

        // Expire the lease as a renewal gap during a database outage would.
        await using (var expire = database.DataSource.CreateCommand(
            "UPDATE object_leases SET expires_at = now() - interval '1 second' WHERE tenant_id = @tenant AND object_key = 'lost.json.gz'"))
        {
            expire.Parameters.AddWithValue("tenant", tenant);
            await expire.ExecuteNonQueryAsync();
        }

        Assert.Equal(ObjectReadDecision.Read, await other.DecideAsync(tenant, "lost.json.gz", "size=1", Now, default));
        await slow.RenewHeldLeasesAsync(default);

        Assert.Empty(slow.HeldLeases);
        Assert.Equal("silo-other", await LeaseOwnerAsync("lost.json.gz"));
    }

    [Fact]
    public async Task Lease_OnDoneObject_ReleasedAtOnce()
    {
        var first = Ledger("silo-a");
        Assert.Equal(ObjectReadDecision.Read, await first.DecideAsync(tenant, "finished.json.gz", "size=1", Now, default));
        await first.RecordAsync(Record("finished.json.gz", error: null), default);

        Assert.Equal(ObjectReadDecision.AlreadyDone, await first.DecideAsync(tenant, "finished.json.gz", "size=1", Now, default));
        Assert.Equal(0L, await LeaseRowsAsync("finished.json.gz"));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => new PostgresObjectLedger(database.DataSource, new ObjectLeaseOptions { OwnerId = "x", Duration = TimeSpan.FromSeconds(1) }));
        Assert.Contains("lease duration", exception.Message, StringComparison.Ordinal);
    }

    private PostgresObjectLedger Ledger(string owner, TimeSpan? duration = null)
    {
        var ledger = new PostgresObjectLedger(database.DataSource, new ObjectLeaseOptions { OwnerId = owner, Duration = duration ?? TimeSpan.FromMinutes(2) });
        ledgers.Add(ledger);
        return ledger;
    }

    private ObjectRecord Record(string key, string? error) => new()
    {
        TenantId = tenant,
        ObjectKey = key,
        Fingerprint = "size=1",
        Kind = ObjectKind.CloudTrail,
        RecordsRead = 10,
        RecordsRejected = 0,
        DuplicatesDropped = 0,
        FindingsRaised = 0,
        Error = error,
        StartedAt = Now,
        FinishedAt = Now,
    };

    private async Task<long> LeaseRowsAsync(string key)
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM object_leases WHERE tenant_id = @tenant AND object_key = @key");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("key", key);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<string?> LeaseOwnerAsync(string key)
    {
        await using var command = database.DataSource.CreateCommand("SELECT owner_id FROM object_leases WHERE tenant_id = @tenant AND object_key = @key");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("key", key);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<DateTime> LeaseExpiryAsync(string key)
    {
        await using var command = database.DataSource.CreateCommand("SELECT expires_at FROM object_leases WHERE tenant_id = @tenant AND object_key = @key");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("key", key);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    private async Task<DateTime> DatabaseNowAsync()
    {
        await using var command = database.DataSource.CreateCommand("SELECT now()");
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }
}
