using Vigil.Contracts.Storage;
using Vigil.Detection.Settings;

namespace Vigil.Host.Services;

/// <summary>
/// Applies every tenant's stored detector settings to this silo's <see cref="DetectorSettingsRegistry"/>
/// at start and every 30 seconds, so a change saved on any silo reaches all of them. The silo that saved
/// a change applies it at once.
/// </summary>
public sealed partial class DetectorSettingsRefreshService(
    IDetectorSettingsStore store, DetectorSettingsRegistry registry, ILogger<DetectorSettingsRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Applied before the host reports started, so no event is scored with the wrong thresholds.
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
        foreach (var tenantId in registry.ApplyAll(await store.LoadAllAsync(cancellationToken)))
        {
            LogApplied(logger, tenantId, registry.For(tenantId).Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied detector settings version {Version} of tenant {TenantId}")]
    private static partial void LogApplied(ILogger logger, string tenantId, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading detector settings from the database failed; the previous settings stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
