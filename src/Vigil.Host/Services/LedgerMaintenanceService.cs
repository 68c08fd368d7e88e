using Npgsql;
using Vigil.Storage;

namespace Vigil.Host.Services;

/// <summary>
/// Deletes bookkeeping rows that no reader needs any more, once an hour on every silo: leases that
/// expired a day ago (their holders died and nobody took the object over, for example because it
/// was deleted), finding write keys older than <see cref="WriteKeyRetention"/> and expired console sessions.
/// </summary>
public sealed partial class LedgerMaintenanceService(PostgresObjectLedger ledger, PostgresFindingStore findings, Security.PostgresConsoleSessionStore sessions, TimeProvider clock, ILogger<LedgerMaintenanceService> logger) : BackgroundService
{
    /// <summary>
    /// How long a write key is kept. A chunk is sent again only while its object is retried, which
    /// ends within about 16 minutes of the first failure (<c>ObjectRetryPolicy</c>), or when a
    /// lease expires, so a week leaves a wide margin.
    /// </summary>
    public static readonly TimeSpan WriteKeyRetention = TimeSpan.FromDays(7);

    private static readonly TimeSpan Period = TimeSpan.FromHours(1);
    private static readonly TimeSpan ExpiredLeaseRetention = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = clock.GetUtcNow();
                var leases = await ledger.PurgeExpiredLeasesAsync(now - ExpiredLeaseRetention, stoppingToken);
                var keys = await findings.PurgeWriteKeysAsync(now - WriteKeyRetention, stoppingToken);
                await sessions.RemoveExpiredAsync(stoppingToken);
                if (leases > 0 || keys > 0)
                {
                    LogPurged(logger, leases, keys);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogPurgeFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Leases} expired object leases and {WriteKeys} finding write keys")]
    private static partial void LogPurged(ILogger logger, int leases, int writeKeys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting expired object leases and old finding write keys failed; the next attempt is in an hour")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
