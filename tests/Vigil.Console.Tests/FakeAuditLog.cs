using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>An audit log in memory that keeps every entry written.</summary>
internal sealed class FakeAuditLog : IAuditLog
{
    public List<AuditEntry> Entries { get; } = [];

    public Task<long> WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        Entries.Add(entry);
        return Task.FromResult((long)Entries.Count);
    }

    public Task<IReadOnlyList<AuditRecord>> ListAsync(string tenantId, AuditQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditRecord>>([.. Entries.Select((entry, index) => new AuditRecord(index + 1, entry)).Where(record => record.Entry.TenantId == tenantId).Reverse()]);
}
