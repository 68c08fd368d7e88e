using Npgsql;
using Vigil.Contracts.Storage;
using Vigil.Export;

namespace Vigil.Host.Services;

/// <summary>
/// Runs the <see cref="ExportDispatcher"/> every <see cref="Period"/>, so a new finding leaves
/// within about that time, and deletes outbox rows that every destination has passed every
/// <see cref="PrunePeriod"/>.
/// </summary>
public sealed partial class FindingExportService(ExportDispatcher dispatcher, IExportOutbox outbox, TimeProvider clock, ILogger<FindingExportService> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan PrunePeriod = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        var nextPrune = clock.GetUtcNow() + PrunePeriod;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await dispatcher.RunOnceAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextPrune)
                {
                    nextPrune = clock.GetUtcNow() + PrunePeriod;
                    var pruned = await outbox.PruneAsync(stoppingToken);
                    LogPruned(logger, pruned);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogRunFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} export outbox rows that every destination has passed")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finding export could not reach the database; the next run is in 5 seconds")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
