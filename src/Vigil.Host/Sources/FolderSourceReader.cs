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
        try
        {
            foreach (var logObject in LogFileDiscovery.Enumerate(folder))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = relativeKeys ? logObject.Key : logObject.Path.Replace(Path.DirectorySeparatorChar, '/');
                await ReadObjectAsync(ObjectToRead.FromFile(logObject with { Key = key }), cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPassFailed(Logger, exception, LogText.Escape(Source.Name), LogText.Escape(folder));
            await RecordErrorAsync($"{folder}: reading the folder failed: {exception.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceName}: watching {Folder} for logs of tenant {TenantId}")]
    private static partial void LogWatching(ILogger logger, string sourceName, string folder, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceName}: watching {Folder} for changes failed ({Error}); it is read every poll interval only")]
    private static partial void LogNotWatched(ILogger logger, string sourceName, string folder, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source {SourceName}: reading {Folder} failed; the next pass retries the objects not yet done")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string sourceName, string folder);
}
