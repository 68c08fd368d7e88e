using Vigil.Contracts.Text;
using Vigil.Detection.Intel;

namespace Vigil.Host.Services;

/// <summary>
/// Fetches platform lists from their sources when they are due (each list has its own refresh interval)
/// and stores new content as a new version. It checks for due lists every 30 seconds; the database
/// hands each due list to one silo. <see cref="ThreatListRefreshService"/> then loads the new content on every silo.
/// </summary>
public sealed partial class PlatformListFetchService(PlatformListRefresher refresher, ILogger<PlatformListFetchService> logger) : BackgroundService
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
                        LogFetchFailed(logger, LogText.Escape(result.Name), LogText.Escape(result.FailureReason));
                    }
                    else if (result.Saved is { ContentChanged: true } saved)
                    {
                        LogFetched(logger, LogText.Escape(result.Name), saved.Version, result.Parsed!.Entries.Count + result.Parsed.Domains.Count, result.Parsed.RejectedCount);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched platform list {ListName}: version {Version}, {EntryCount} entries, {RejectedCount} rejected")]
    private static partial void LogFetched(ILogger logger, string listName, int version, int entryCount, int rejectedCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching platform list {ListName} failed; its earlier content stays in use: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string listName, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking platform lists for a fetch failed; the next check is in 30 seconds")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception);
}
