using Vigil.Contracts.Storage;

namespace Vigil.Grains.Replay;

/// <summary>
/// The sources and counters of one process, in memory, with the same rules as the PostgreSQL store:
/// rows are keyed by tenant and id, a name is unique within a tenant, and progress adds up.
/// </summary>
public sealed class InMemorySourceStore : ISourceStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string TenantId, Guid Id), SourceDefinition> sources = [];
    private readonly Dictionary<(string TenantId, Guid Id), SourceStatus> statuses = [];

    public Task<IReadOnlyList<SourceDefinition>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<SourceDefinition>>([.. sources.Values.Where(source => source.TenantId == tenantId).OrderBy(source => source.Name, StringComparer.Ordinal)]);
        }
    }

    public Task<IReadOnlyList<SourceDefinition>> ListEnabledAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<SourceDefinition>>([.. sources.Values.Where(source => source.Enabled)
                .OrderBy(source => source.TenantId, StringComparer.Ordinal).ThenBy(source => source.Name, StringComparer.Ordinal)]);
        }
    }

    public Task<SourceDefinition?> GetAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(sources.GetValueOrDefault((tenantId, sourceId)));
        }
    }

    public Task SaveAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (gate)
        {
            if (sources.Values.Any(other => other.TenantId == source.TenantId && other.Id != source.Id && other.Name == source.Name))
            {
                throw new SourceConflictException($"Tenant '{source.TenantId}' already has another source named '{source.Name}'.");
            }

            sources[(source.TenantId, source.Id)] = source;
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            statuses.Remove((tenantId, sourceId));
            return Task.FromResult(sources.Remove((tenantId, sourceId)));
        }
    }

    public Task<SourceDefinition?> FindByAccessKeyHashAsync(string accessKeySha256, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(sources.Values
                .Where(source => source.Enabled && source.Kind == SourceKind.Firehose && source.AccessKeySha256 == accessKeySha256)
                .OrderBy(source => source.TenantId, StringComparer.Ordinal)
                .FirstOrDefault());
        }
    }

    public Task RecordProgressAsync(SourceProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        lock (gate)
        {
            var key = (progress.TenantId, progress.SourceId);
            if (!sources.ContainsKey(key))
            {
                return Task.CompletedTask;
            }

            var before = statuses.GetValueOrDefault(key) ?? new SourceStatus
            {
                SourceId = progress.SourceId,
                ObjectsRead = 0,
                ObjectsFailed = 0,
                RecordsRead = 0,
                RecordsRejected = 0,
                RecordsFromUnregisteredAccounts = 0,
            };
            statuses[key] = before with
            {
                ObjectsRead = before.ObjectsRead + progress.ObjectsRead,
                ObjectsFailed = before.ObjectsFailed + progress.ObjectsFailed,
                RecordsRead = before.RecordsRead + progress.RecordsRead,
                RecordsRejected = before.RecordsRejected + progress.RecordsRejected,
                RecordsFromUnregisteredAccounts = before.RecordsFromUnregisteredAccounts + progress.RecordsFromUnregisteredAccounts,
                LastReadAt = Max(before.LastReadAt, progress.At),
                NewestEventTime = Max(before.NewestEventTime, progress.NewestEventTime),
                Lag = progress.NewestEventTime is null ? before.Lag : progress.At - progress.NewestEventTime.Value,
                LastError = progress.Error ?? before.LastError,
                LastErrorAt = progress.Error is null ? before.LastErrorAt : progress.At,
            };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SourceStatus>> ListStatusAsync(string tenantId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<SourceStatus>>([.. statuses.Where(entry => entry.Key.TenantId == tenantId)
                .Select(entry => entry.Value).OrderBy(status => status.SourceId)]);
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? left, DateTimeOffset? right)
    {
        if (left is null)
        {
            return right;
        }

        if (right is null)
        {
            return left;
        }

        return left > right ? left : right;
    }
}
