using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.Objects;

namespace Vigil.Host.Sources;

/// <summary>
/// Reads a local folder (S3 key layout or flat): a pass every poll interval, and sooner when the
/// file system reports a change. Ledger keys are full paths, so two folder sources of one tenant
/// never share a ledger row. The source of <c>Vigil:Ingest:WatchFolder</c> keeps the paths relative
/// to the folder, which the folder watcher before it wrote, so an upgrade does not read it again.
/// </summary>
public sealed partial class FolderSourceReader(SourceDefinition source, SourceReaderServices services) : SourceReader(source, services)
{
    private readonly bool relativeKeys = source.Id == Vigil.Host.Services.SourceRunnerService.WatchFolderSourceId(source.TenantId);

    protected override async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(Source.Folder ?? throw new InvalidOperationException($"Folder source {Source.Id} names no folder."));
        using var changed = new SemaphoreSlim(0, 1);
        FileSystemWatcher? watcher = null;
        try
        {
            LogWatching(Logger, LogText.Escape(Source.Name), LogText.Escape(folder), Source.TenantId);
            while (!cancellationToken.IsCancellationRequested)
            {
                watcher ??= TryWatch(folder, changed);
                await PassAsync(folder, cancellationToken);
                try
                {
                    await changed.WaitAsync(Services.Settings.PollInterval, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            watcher?.Dispose();
        }
    }

    /// <summary>Watches the folder for changes; without a watcher (no folder yet, or no inotify instance left) the passes still run every poll interval.</summary>
    private FileSystemWatcher? TryWatch(string folder, SemaphoreSlim changed)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true };
        watcher.Created += (_, _) => Signal(changed);
        watcher.Changed += (_, _) => Signal(changed);
        watcher.Renamed += (_, _) => Signal(changed);
        try
        {
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (IOException exception)
        {
            watcher.Dispose();
            LogNotWatched(Logger, LogText.Escape(Source.Name), LogText.Escape(folder), LogText.Escape(exception.Message));
            return null;
        }
    }

    private static void Signal(SemaphoreSlim changed)
    {
        try
        {
            if (changed.CurrentCount == 0)
            {
                changed.Release();
            }
        }
        catch (Exception exception) when (exception is SemaphoreFullException or ObjectDisposedException)
        {
            // Another event already signalled the next pass, or the reader has stopped.
        }
    }

    private async Task PassAsync(string folder, CancellationToken cancellationToken)
    {
        var objects = 0;
        var failed = 0;
        var leasedByOthers = 0;
        long records = 0;
        long rejected = 0;
        try
        {
            var found = LogFileDiscovery.Enumerate(folder).Select(logObject => ObjectToRead.FromFile(
                logObject with { Key = relativeKeys ? logObject.Key : logObject.Path.Replace(Path.DirectorySeparatorChar, '/') }));

            // Once taken, an object is read to the end unless the host stops for good.
            await Services.Ingestor.IngestManyAsync(Target, found, async (decision, result) =>
            {
                if (decision == ObjectReadDecision.LeasedByAnother)
                {
                    Interlocked.Increment(ref leasedByOthers);
                }

                if (result is not null)
                {
                    Interlocked.Increment(ref objects);
                    Interlocked.Add(ref failed, result.Record.Error is null ? 0 : 1);
                    Interlocked.Add(ref records, result.Record.RecordsRead);
                    Interlocked.Add(ref rejected, result.Record.RecordsRejected);
                    await RecordReadAsync(result);
                }
            }, cancellationToken, Services.HostStopping);

            Resume();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || Services.HostStopping.IsCancellationRequested)
        {
            // The reader stops taking objects (a drain, a changed source) or the host stops.
        }
        catch (Exception exception)
        {
            // Usually the database or the silos are unavailable: the pass is paused and retried.
            Pause(folder, exception);
            await TryRecordErrorAsync($"{folder}: reading the folder failed: {exception.Message}");
        }

        if (objects > 0)
        {
            LogPassRead(Logger, LogText.Escape(Source.Name), objects, records, rejected, failed, leasedByOthers);
        }
    }

    private async Task TryRecordErrorAsync(string error)
    {
        try
        {
            await RecordErrorAsync(error);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The database that failed the pass usually fails this write too; the pause is logged already.
            LogErrorNotRecorded(Logger, LogText.Escape(Source.Name), LogText.Escape(exception.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceName}: Read {Objects} objects: {Records} records, {Rejected} rejected, {Failed} objects failed, {Leased} left to other silos that hold their leases")]
    private static partial void LogPassRead(ILogger logger, string sourceName, int objects, long records, long rejected, int failed, int leased);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceName}: the failed pass was not recorded in the source counters: {Error}")]
    private static partial void LogErrorNotRecorded(ILogger logger, string sourceName, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceName}: watching {Folder} for logs of tenant {TenantId}")]
    private static partial void LogWatching(ILogger logger, string sourceName, string folder, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceName}: watching {Folder} for changes failed ({Error}); it is read every poll interval only")]
    private static partial void LogNotWatched(ILogger logger, string sourceName, string folder, string error);
}
