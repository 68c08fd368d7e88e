using Microsoft.Extensions.Options;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Grains.Ingest;
using Vigil.Host.Configuration;

namespace Vigil.Host.Services;

/// <summary>
/// Reads new CloudTrail objects from the configured folder: a scan every <c>PollSeconds</c>, and
/// sooner when the file system reports a change. Objects already done in the ledger are skipped.
/// </summary>
public sealed partial class FolderWatchService(LogObjectIngestor ingestor, IOptions<VigilHostOptions> options, ILogger<FolderWatchService> logger) : BackgroundService
{
    private readonly SemaphoreSlim changed = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Ingest;
        if (string.IsNullOrEmpty(settings.WatchFolder))
        {
            return;
        }

        var folder = Path.GetFullPath(settings.WatchFolder);
        using var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        watcher.Created += (_, _) => Signal();
        watcher.Changed += (_, _) => Signal();
        watcher.Renamed += (_, _) => Signal();
        LogWatching(logger, folder, settings.TenantId);

        while (!stoppingToken.IsCancellationRequested)
        {
            await ScanAsync(folder, settings.TenantId, stoppingToken);
            try
            {
                await changed.WaitAsync(TimeSpan.FromSeconds(settings.PollSeconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override void Dispose()
    {
        changed.Dispose();
        base.Dispose();
    }

    private void Signal()
    {
        if (changed.CurrentCount == 0)
        {
            try
            {
                changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another event already signalled the next scan.
            }
        }
    }

    private async Task ScanAsync(string folder, string tenantId, CancellationToken stoppingToken)
    {
        try
        {
            var summary = await ingestor.IngestFolderAsync(tenantId, folder, new FailureLogger(logger), stoppingToken);
            if (summary.ObjectsRead > 0)
            {
                LogScanned(logger, summary.ObjectsRead, summary.RecordsRead, summary.RecordsRejected, summary.DuplicatesDropped, summary.FindingsRaised, summary.ObjectsFailed);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogScanFailed(logger, exception, folder);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Folder} for CloudTrail logs of tenant {TenantId}")]
    private static partial void LogWatching(ILogger logger, string folder, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Objects} objects: {Records} records, {Rejected} rejected, {Duplicates} duplicates dropped, {Findings} finding occurrences, {Failed} objects failed")]
    private static partial void LogScanned(ILogger logger, int objects, long records, long rejected, long duplicates, long findings, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scanning {Folder} failed; the next scan retries the objects not yet done")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Object {ObjectKey} failed: {Error}")]
    private static partial void LogObjectFailed(ILogger logger, string objectKey, string error);

    private sealed class FailureLogger(ILogger logger) : IProgress<ObjectRecord>
    {
        public void Report(ObjectRecord value)
        {
            if (value.Error is not null)
            {
                LogObjectFailed(logger, LogText.Escape(value.ObjectKey), LogText.Escape(value.Error));
            }
        }
    }
}
