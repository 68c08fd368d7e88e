using System.Collections.Concurrent;
using Vigil.Contracts.Storage;

namespace Vigil.Testing;

/// <summary>
/// An <see cref="ISourceStore"/> in memory with the contract's tenant scoping, name uniqueness and
/// counter arithmetic, for tests of code written against the interface.
/// </summary>
public sealed class InMemorySourceStore : ISourceStore
{
    private readonly ConcurrentDictionary<Guid, SourceDefinition> sources = new();
    private readonly ConcurrentDictionary<Guid, SourceStatus> statuses = new();
    private readonly Lock gate = new();

    /// <summary>Every progress report, in the order they arrived.</summary>
    public ConcurrentQueue<SourceProgress> Progress { get; } = new();

    public Task<IReadOnlyList<SourceDefinition>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SourceDefinition>>([.. sources.Values.Where(source => source.TenantId == tenantId).OrderBy(source => source.Name, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<SourceDefinition>> ListEnabledAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SourceDefinition>>([.. sources.Values.Where(source => source.Enabled)]);

    public Task<SourceDefinition?> GetAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken) =>
        Task.FromResult(sources.TryGetValue(sourceId, out var source) && source.TenantId == tenantId ? source : null);

    public Task SaveAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (sources.TryGetValue(source.Id, out var existing) && existing.TenantId != source.TenantId)
            {
                throw new InvalidOperationException($"Source {source.Id} belongs to another tenant.");
            }

            if (sources.Values.Any(other => other.TenantId == source.TenantId && other.Id != source.Id && other.Name == source.Name))
            {
                throw new SourceConflictException($"The tenant already has a source named '{source.Name}'.");
            }

            sources[source.Id] = source;
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!sources.TryGetValue(sourceId, out var source) || source.TenantId != tenantId)
            {
                return Task.FromResult(false);
            }

            sources.TryRemove(sourceId, out _);
            statuses.TryRemove(sourceId, out _);
            return Task.FromResult(true);
        }
    }

    public Task<SourceDefinition?> FindByAccessKeyHashAsync(string accessKeySha256, CancellationToken cancellationToken) =>
        Task.FromResult(sources.Values.FirstOrDefault(source => source.Enabled && source.Kind == SourceKind.Firehose && source.AccessKeySha256 == accessKeySha256));

    public Task RecordProgressAsync(SourceProgress progress, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Progress.Enqueue(progress);
            var current = statuses.GetValueOrDefault(progress.SourceId) ?? new SourceStatus
            {
                SourceId = progress.SourceId,
                ObjectsRead = 0,
                ObjectsFailed = 0,
                RecordsRead = 0,
                RecordsRejected = 0,
                RecordsFromUnregisteredAccounts = 0,
            };
            var newest = progress.NewestEventTime is { } time && (current.NewestEventTime is null || time > current.NewestEventTime) ? time : current.NewestEventTime;
            statuses[progress.SourceId] = current with
            {
                ObjectsRead = current.ObjectsRead + progress.ObjectsRead,
                ObjectsFailed = current.ObjectsFailed + progress.ObjectsFailed,
                RecordsRead = current.RecordsRead + progress.RecordsRead,
                RecordsRejected = current.RecordsRejected + progress.RecordsRejected,
                RecordsFromUnregisteredAccounts = current.RecordsFromUnregisteredAccounts + progress.RecordsFromUnregisteredAccounts,
                LastReadAt = progress.At,
                NewestEventTime = newest,
                Lag = progress.NewestEventTime is { } eventTime ? progress.At - eventTime : current.Lag,
                LastError = progress.Error ?? current.LastError,
                LastErrorAt = progress.Error is null ? current.LastErrorAt : progress.At,
            };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SourceStatus>> ListStatusAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SourceStatus>>([.. statuses.Values.Where(status => sources.TryGetValue(status.SourceId, out var source) && source.TenantId == tenantId)]);
}
