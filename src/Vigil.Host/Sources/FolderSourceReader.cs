using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.Objects;

namespace Vigil.Host.Sources;

/// <summary>
/// Reads a local folder (S3 key layout or flat): a pass every poll interval, and sooner when the
/// file system reports a change. Ledger keys are the paths relative to the folder.
/// </summary>
public sealed partial class FolderSourceReader(SourceDefinition source, SourceReaderServices services) : SourceReader(source, services)
{
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

    private static FileSystemWatcher? TryWatch(string folder, SemaphoreSlim changed)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true };
        watcher.Created += (_, _) => Signal(changed);
        watcher.Changed += (_, _) => Signal(changed);
        watcher.Renamed += (_, _) => Signal(changed);
        watcher.EnableRaisingEvents = true;
        return watcher;
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
                await ReadObjectAsync(ObjectToRead.FromFile(logObject), cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Source {SourceName}: reading {Folder} failed; the next pass retries the objects not yet done")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string sourceName, string folder);
}
