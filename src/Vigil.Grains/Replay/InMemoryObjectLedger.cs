using System.Collections.Concurrent;
using Vigil.Contracts.Storage;

namespace Vigil.Grains.Replay;

/// <summary>The object ledger of one replay run, in memory.</summary>
public sealed class InMemoryObjectLedger : IObjectLedger
{
    private readonly ConcurrentDictionary<(string TenantId, string Key), ObjectRecord> records = new();

    public IReadOnlyCollection<ObjectRecord> Records => [.. records.Values];

    public Task<bool> IsDoneAsync(string tenantId, string objectKey, string fingerprint, CancellationToken cancellationToken) =>
        Task.FromResult(records.TryGetValue((tenantId, objectKey), out var record) && record.Error is null && record.Fingerprint == fingerprint);

    public Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken)
    {
        records[(record.TenantId, record.ObjectKey)] = record;
        return Task.CompletedTask;
    }
}
