using Microsoft.Extensions.Options;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Integrity;
using Vigil.Detection.Intel;
using Vigil.Host.Configuration;
using Vigil.Ingestion.Integrity;

namespace Vigil.Host.Services;

/// <summary>
/// Validates the CloudTrail digest chains of the watched folder every <c>Vigil:Integrity:CheckSeconds</c>
/// when <c>Vigil:Integrity:PublicKeysFile</c> is set, and stores a finding for each new problem
/// (see <see cref="TrailIntegrityMonitor"/>). The key file is read again before each check.
/// </summary>
public sealed partial class TrailIntegrityService(
    IFindingSink findings,
    ThreatIntelRegistry intel,
    TimeProvider clock,
    IOptions<VigilHostOptions> options,
    ILogger<TrailIntegrityService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.Integrity.PublicKeysFile) || string.IsNullOrEmpty(settings.Ingest.WatchFolder))
        {
            return;
        }

        var folder = Path.GetFullPath(settings.Ingest.WatchFolder);
        var tenantId = settings.Ingest.TenantId;
        TrailIntegrityMonitor? monitor = null;
        LogStarted(logger, folder, tenantId, settings.Integrity.CheckSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Integrity.CheckSeconds));
        do
        {
            try
            {
                var keys = PublicKeyList.Parse(await File.ReadAllBytesAsync(settings.Integrity.PublicKeysFile, stoppingToken));
                monitor ??= new TrailIntegrityMonitor(new FolderTrailObjectStore(folder), string.IsNullOrEmpty(settings.Integrity.Bucket) ? null : settings.Integrity.Bucket, keys, TrailValidatorOptions.Default);
                monitor.PublicKeys = keys;

                var raised = await monitor.CheckAsync(new DetectionContext(tenantId, intel.For(tenantId), clock), stoppingToken);
                if (raised.Count > 0)
                {
                    await findings.WriteAsync(tenantId, raised, stoppingToken);
                    LogProblemsFound(logger, raised.Count, tenantId);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogCheckFailed(logger, exception, folder);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Validating CloudTrail digests in {Folder} for tenant {TenantId} every {Seconds} seconds")]
    private static partial void LogStarted(ILogger logger, string folder, string tenantId, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest validation found {Count} new integrity problems for tenant {TenantId}; findings stored")]
    private static partial void LogProblemsFound(ILogger logger, int count, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Validating the CloudTrail digests in {Folder} failed; the next check runs as scheduled")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string folder);
}
