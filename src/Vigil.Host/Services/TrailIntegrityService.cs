using Microsoft.Extensions.Options;
using Vigil.Contracts.Storage;
using Vigil.Host.Configuration;
using Vigil.Host.Integrity;

namespace Vigil.Host.Services;

/// <summary>
/// Validates the CloudTrail digest chains of every enabled folder, S3 listing and S3 notification
/// source of every tenant every <c>Vigil:Integrity:CheckSeconds</c>, when <c>Vigil:Integrity:PublicKeysFile</c>
/// or <c>Vigil:Integrity:PublicKeysFromApi</c> provides the public keys. Each source is checked by
/// <see cref="SourceTrailValidator"/>, which stores a finding of the source's tenant for each new
/// problem. A source without digests costs one listing per check and raises nothing.
/// </summary>
public sealed partial class TrailIntegrityService(
    ISourceStore sources,
    SourceTrailValidator validator,
    IOptions<VigilHostOptions> options,
    ILogger<TrailIntegrityService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Integrity;
        if (!settings.IsEnabled)
        {
            LogDisabled(logger);
            return;
        }

        var interval = TimeSpan.FromSeconds(settings.CheckSeconds);
        LogStarted(logger, settings.CheckSeconds, settings.PublicKeysFromApi);
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                var current = (await sources.ListEnabledAsync(stoppingToken)).Where(SourceTrailValidator.CanValidate).ToList();
                validator.Forget(current);
                foreach (var source in current)
                {
                    // The lease outlasts one interval, so a silo that stops keeps others off for at most two.
                    await validator.CheckAsync(source, interval * 2, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Continuous CloudTrail digest validation is off; set Vigil:Integrity:PublicKeysFile or Vigil:Integrity:PublicKeysFromApi to turn it on")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validating the CloudTrail digests of every folder and S3 source every {Seconds} seconds (public keys from the API: {FromApi})")]
    private static partial void LogStarted(ILogger logger, int seconds, bool fromApi);

    [LoggerMessage(Level = LogLevel.Error, Message = "Listing the sources for digest validation failed; the next pass runs as scheduled")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
