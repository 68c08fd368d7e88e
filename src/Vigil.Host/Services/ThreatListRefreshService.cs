using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection.Intel;

namespace Vigil.Host.Services;

/// <summary>
/// Loads every tenant's lists and the platform lists from the database into this silo's
/// <see cref="ThreatIntelRegistry"/> at start and every 30 seconds, so a list stored on any silo
/// reaches all of them. Loading moves activating lists to active or error (<see cref="ListLoader"/>).
/// </summary>
public sealed partial class ThreatListRefreshService(
    IThreatListStore store, IPlatformListStore platformStore, ThreatIntelRegistry registry, ILogger<ThreatListRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);

    private readonly ListLoader loader = new(store, registry);

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
        var tenantLists = await store.LoadAllAsync(cancellationToken);
        var platformLists = await platformStore.LoadAllAsync(cancellationToken);
        var summary = await loader.LoadAsync(tenantLists, platformLists, cancellationToken);
        foreach (var tenantId in summary.ReplacedTenants)
        {
            var snapshot = registry.For(tenantId);
            LogListsLoaded(logger, tenantId, snapshot.Lists.Count + snapshot.TrustedLists.Count, snapshot.EntryCount + snapshot.TrustedEntryCount);
        }

        if (summary.PlatformReplaced)
        {
            LogPlatformLoaded(logger, registry.Platform.Lists.Count, registry.Platform.EntryCount);
        }

        foreach (var failure in summary.Failures)
        {
            LogListFailed(logger, LogText.Escape(failure));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {ListCount} lists for tenant {TenantId}: {EntryCount} entries")]
    private static partial void LogListsLoaded(ILogger logger, string tenantId, int listCount, int entryCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {ListCount} platform lists: {EntryCount} entries")]
    private static partial void LogPlatformLoaded(ILogger logger, int listCount, int entryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A list could not be loaded and is left out: {Failure}")]
    private static partial void LogListFailed(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing threat lists from the database failed; the previous lists stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
