using Vigil.Contracts.Text;
using Vigil.Detection.Intel;

namespace Vigil.Host.Services;

/// <summary>
/// Fetches tenant lists read from S3 when they are due (each list has its own refresh interval) and
/// stores new content as a new version. It checks every 30 seconds; the database hands each due list to
/// one silo. <see cref="ThreatListRefreshService"/> then loads the new content on every silo.
/// </summary>
public sealed partial class TenantListFetchService(TenantListRefresher refresher, ILogger<TenantListFetchService> logger) : BackgroundService
{
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckPeriod);
        do
        {
            try
            {
                foreach (var result in await refresher.RefreshDueAsync("system:fetcher", stoppingToken))
                {
                    if (result.FailureReason is not null)
                    {
                        LogFetchFailed(logger, LogText.Escape(result.Name), result.TenantId, LogText.Escape(result.FailureReason));
                    }
                    else if (result.Imported is { } imported)
                    {
                        LogFetched(logger, LogText.Escape(result.Name), result.TenantId, imported.Saved.Version, imported.Parsed.Entries.Count + imported.Parsed.Domains.Count, imported.Parsed.RejectedCount);
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogCycleFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched list {ListName} of tenant {TenantId} from S3: version {Version}, {EntryCount} entries, {RejectedCount} rejected")]
    private static partial void LogFetched(ILogger logger, string listName, string tenantId, int version, int entryCount, int rejectedCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching list {ListName} of tenant {TenantId} from S3 failed; its earlier content stays in use: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string listName, string tenantId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking tenant lists for a fetch from S3 failed; the next check is in 30 seconds")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception);
}
