using System.Collections.Concurrent;
using Vigil.Contracts.Storage;

namespace Vigil.Grains.Replay;

/// <summary>The object ledger of one replay run, in memory, with the same retry rule as the PostgreSQL ledger.</summary>
public sealed class InMemoryObjectLedger : IObjectLedger
{
    private readonly ConcurrentDictionary<(string TenantId, string Key), Entry> entries = new();
    private int decisions;

    public IReadOnlyCollection<ObjectRecord> Records => [.. entries.Values.Select(entry => entry.Record)];

    /// <summary>Calls of <see cref="DecideAsync"/> so far, which are ledger queries in the PostgreSQL ledger.</summary>
    public int Decisions => Volatile.Read(ref decisions);

    public Task<ObjectReadDecision> DecideAsync(string tenantId, string objectKey, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref decisions);
        if (!entries.TryGetValue((tenantId, objectKey), out var entry))
        {
            return Task.FromResult(ObjectReadDecision.Read);
        }

        return Task.FromResult(ObjectRetryPolicy.Decide(entry.Record.Fingerprint, entry.Record.Error, entry.Attempts, entry.NextAttemptAt, fingerprint, now));
    }

    public Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken)
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
        return Task.CompletedTask;
    }

    private static DateTimeOffset? NextAttempt(ObjectRecord record, int attempts) =>
        record.Error is null ? null : record.FinishedAt + ObjectRetryPolicy.DelayAfter(attempts);

    private sealed record Entry(ObjectRecord Record, int Attempts, DateTimeOffset? NextAttemptAt);
}
