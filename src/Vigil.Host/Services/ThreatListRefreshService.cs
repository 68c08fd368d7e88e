using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Host.Services;

/// <summary>
/// Loads every tenant's threat lists from the database into this silo's <see cref="ThreatIntelRegistry"/>
/// at start and every 30 seconds, so a list imported on any silo reaches all of them.
/// </summary>
public sealed partial class ThreatListRefreshService(IThreatListStore store, ThreatIntelRegistry registry, ILogger<ThreatListRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);

    private readonly PlainTextListParser parser = new();
    private readonly Dictionary<string, string> loadedVersions = new(StringComparer.Ordinal);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first load happens before the host reports started, so no event is scored without the lists.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRefreshFailed(logger, exception);
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var lists = await store.LoadAllAsync(cancellationToken);

        // A tenant whose last list was deleted gets an empty snapshot instead of keeping the old one.
        var current = lists.Select(list => list.TenantId).ToHashSet(StringComparer.Ordinal);
        foreach (var tenantId in loadedVersions.Keys.Where(tenantId => !current.Contains(tenantId)).ToList())
        {
            registry.Replace(tenantId, ThreatIntelSnapshot.Empty);
            loadedVersions.Remove(tenantId);
            LogListsRemoved(logger, tenantId);
        }

        foreach (var tenant in lists.GroupBy(list => list.TenantId, StringComparer.Ordinal))
        {
            var version = string.Join(',', tenant.OrderBy(list => list.Name, StringComparer.Ordinal).Select(list => list.Sha256));
            if (loadedVersions.TryGetValue(tenant.Key, out var loaded) && loaded == version)
            {
                continue;
            }

            var errors = registry.Load(tenant.Key, tenant.Select(list => (list.Name, list.Content)), parser);
            loadedVersions[tenant.Key] = version;
            LogListsLoaded(logger, tenant.Key, tenant.Count(), registry.For(tenant.Key).EntryCount, errors.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {ListCount} threat lists for tenant {TenantId}: {EntryCount} entries, {RejectedLines} lines rejected")]
    private static partial void LogListsLoaded(ILogger logger, string tenantId, int listCount, int entryCount, int rejectedLines);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} has no threat lists any more; its list snapshot is now empty")]
    private static partial void LogListsRemoved(ILogger logger, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing threat lists from the database failed; the previous lists stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
