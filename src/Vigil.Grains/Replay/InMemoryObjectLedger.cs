using System.Collections.Concurrent;
using Vigil.Contracts.Storage;

namespace Vigil.Grains.Replay;

/// <summary>
/// The object ledger of one replay run, in memory, with the same retry and lease rules as the
/// PostgreSQL ledger. Leases expire by <paramref name="clock"/>; nothing renews them, because every
/// reader of this ledger lives in the same process and records or releases what it reads.
/// </summary>
public sealed class InMemoryObjectLedger(ObjectLeaseOptions? leases = null, TimeProvider? clock = null) : IObjectLedger
{
    private readonly ConcurrentDictionary<(string TenantId, string Key), Entry> entries = new();
    private readonly Dictionary<(string TenantId, string Key), Lease> leaseTable = [];
    private readonly Lock leaseLock = new();
    private readonly ObjectLeaseOptions leaseOptions = leases ?? new ObjectLeaseOptions();
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private int decisions;

    public IReadOnlyCollection<ObjectRecord> Records => [.. entries.Values.Select(entry => entry.Record)];

    /// <summary>Calls of <see cref="DecideAsync"/> so far, which are ledger queries in the PostgreSQL ledger.</summary>
    public int Decisions => Volatile.Read(ref decisions);

    /// <summary>Returns the owner of the object's lease, or null when nobody holds an unexpired one.</summary>
    public string? LeaseHolder(string tenantId, string objectKey)
    {
        lock (leaseLock)
        {
            return leaseTable.TryGetValue((tenantId, objectKey), out var lease) && lease.ExpiresAt > time.GetUtcNow() ? lease.Owner : null;
        }
    }

    public Task<ObjectReadDecision> DecideAsync(string tenantId, string objectKey, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref decisions);
        return Task.FromResult(Decide(tenantId, objectKey, fingerprint, now, leaseOptions.OwnerId));
    }

    /// <summary>Decides as <paramref name="owner"/>, so a test can play several readers on one ledger.</summary>
    public ObjectReadDecision Decide(string tenantId, string objectKey, string fingerprint, DateTimeOffset now, string owner)
    {
        lock (leaseLock)
        {
            var decision = DecideByRecord(tenantId, objectKey, fingerprint, now);
            if (decision != ObjectReadDecision.Read)
            {
                return decision;
            }

            var key = (tenantId, objectKey);
            var current = time.GetUtcNow();
            leaseTable.TryGetValue(key, out var lease);
            if (!ObjectLeasePolicy.CanAcquire(lease?.Owner, lease?.ExpiresAt, owner, current))
            {
                return ObjectReadDecision.LeasedByAnother;
            }

            leaseTable[key] = new Lease(owner, current + leaseOptions.Duration);
            return ObjectReadDecision.Read;
        }
    }

    public Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken)
    {
        lock (leaseLock)
        {
            entries.AddOrUpdate(
                (record.TenantId, record.ObjectKey),
                _ => new Entry(record, 1, NextAttempt(record, 1)),
                (_, previous) =>
                {
                    var repeatedFailure = record.Error is not null && previous.Record.Error is not null && previous.Record.Fingerprint == record.Fingerprint;
                    var attempts = repeatedFailure ? previous.Attempts + 1 : 1;
                    return new Entry(record, attempts, NextAttempt(record, attempts));
                });
            Release(record.TenantId, record.ObjectKey, leaseOptions.OwnerId);
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string tenantId, string objectKey, CancellationToken cancellationToken)
    {
        Release(tenantId, objectKey, leaseOptions.OwnerId);
        return Task.CompletedTask;
    }

    /// <summary>Deletes <paramref name="owner"/>'s lease on the object; a lease of another owner stays.</summary>
    public void Release(string tenantId, string objectKey, string owner)
    {
        lock (leaseLock)
        {
            if (leaseTable.TryGetValue((tenantId, objectKey), out var lease) && lease.Owner == owner)
            {
                leaseTable.Remove((tenantId, objectKey));
            }
        }
    }

    private ObjectReadDecision DecideByRecord(string tenantId, string objectKey, string fingerprint, DateTimeOffset now)
    {
        if (!entries.TryGetValue((tenantId, objectKey), out var entry))
        {
            return ObjectReadDecision.Read;
        }

        return ObjectRetryPolicy.Decide(entry.Record.Fingerprint, entry.Record.Error, entry.Attempts, entry.NextAttemptAt, fingerprint, now);
    }

    private static DateTimeOffset? NextAttempt(ObjectRecord record, int attempts) =>
        record.Error is null ? null : record.FinishedAt + ObjectRetryPolicy.DelayAfter(attempts);

    private sealed record Entry(ObjectRecord Record, int Attempts, DateTimeOffset? NextAttemptAt);

    private sealed record Lease(string Owner, DateTimeOffset ExpiresAt);
}
