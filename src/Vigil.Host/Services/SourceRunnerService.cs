using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Grains.Ingest;
using Vigil.Host.Configuration;
using Vigil.Host.Sources;

namespace Vigil.Host.Services;

/// <summary>
/// Runs every enabled folder, S3 listing and S3 notification source of every tenant. Every
/// <c>Vigil:Ingest:PollSeconds</c> it reads the sources from <see cref="ISourceStore"/>, starts the
/// added ones, restarts the changed ones and stops the disabled and deleted ones. Firehose sources
/// are read by the HTTP endpoint, not here. At shutdown the service drains: every reader stops
/// taking objects, the objects in progress get up to <c>Vigil:Ingest:DrainSeconds</c> to finish,
/// and then they are abandoned and their leases released, so another silo reads them.
/// </summary>
/// <remarks>
/// The legacy setting <c>Vigil:Ingest:WatchFolder</c> becomes a folder source of
/// <c>Vigil:Ingest:TenantId</c>, saved at start with <c>Vigil:Ingest:AccountIds</c>; clearing the
/// setting deletes that source.
/// </remarks>
public sealed partial class SourceRunnerService(
    ISourceStore store,
    LogObjectIngestor ingestor,
    SourceInstruments instruments,
    TimeProvider clock,
    ILoggerFactory loggerFactory,
    IOptions<VigilHostOptions> options,
    ILogger<SourceRunnerService> logger) : BackgroundService
{
    /// <summary>Name of the folder source that <c>Vigil:Ingest:WatchFolder</c> creates.</summary>
    public const string WatchFolderSourceName = "Watched folder (Vigil:Ingest:WatchFolder)";

    private readonly Dictionary<(string TenantId, Guid Id), RunningSource> running = [];
    private readonly CancellationTokenSource draining = new();

    /// <summary>The id of the folder source that <c>Vigil:Ingest:WatchFolder</c> creates for a tenant; the same on every start.</summary>
    public static Guid WatchFolderSourceId(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("Vigil:Ingest:WatchFolder\n" + tenantId));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>
    /// Stops every reader from taking objects at once, waits up to <c>DrainSeconds</c> for the
    /// objects in progress, then stops the host for good, which abandons them and releases their leases.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var drainTime = TimeSpan.FromSeconds(options.Value.Ingest.DrainSeconds);
        await draining.CancelAsync();
        if (ExecuteTask is { IsCompleted: false } runningTask)
        {
            LogDraining(logger, drainTime.TotalSeconds);
            var finished = await Task.WhenAny(runningTask, Task.Delay(drainTime, clock, cancellationToken)) == runningTask;
            if (finished)
            {
                LogDrained(logger);
            }
            else
            {
                LogDrainTimedOut(logger, drainTime.TotalSeconds);
            }
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        draining.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        var settings = options.Value.Ingest;
        var services = new SourceReaderServices(ingestor, store, instruments, clock, loggerFactory, new SourceReaderSettings
        {
            PollInterval = TimeSpan.FromSeconds(settings.PollSeconds),
            QueueWaitSeconds = Math.Clamp(settings.QueueWaitSeconds, 0, 20),
        })
        {
            HostStopping = hostStopping,
        };

        // Readers and this loop stop taking work when the drain starts; objects in progress stop only with the host.
        using var stopTaking = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, draining.Token);
        var stoppingToken = stopTaking.Token;

        try
        {
            try
            {
                await SaveWatchFolderSourceAsync(settings, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The sources already saved still run; the setting is applied again at the next start.
                LogWatchFolderNotSaved(logger, LogText.Escape(exception.Message));
            }
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ReconcileAsync(await store.ListEnabledAsync(stoppingToken), services, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogListFailed(logger, exception);
                }

                await Task.Delay(services.Settings.PollInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        finally
        {
            await Task.WhenAll(running.Values.Select(source => source.StopAsync()));
            running.Clear();
        }
    }

    private async Task SaveWatchFolderSourceAsync(IngestSettings settings, CancellationToken cancellationToken)
    {
        var id = WatchFolderSourceId(settings.TenantId);
        if (string.IsNullOrEmpty(settings.WatchFolder))
        {
            await store.DeleteAsync(settings.TenantId, id, cancellationToken);
            return;
        }

        var accounts = settings.AccountIdList();
        var source = new SourceDefinition
        {
            Id = id,
            TenantId = settings.TenantId,
            Name = WatchFolderSourceName,
            Kind = SourceKind.Folder,
            Folder = Path.GetFullPath(settings.WatchFolder),
            AccountIds = accounts,
            UpdatedAt = clock.GetUtcNow(),
            UpdatedBy = "Vigil:Ingest:WatchFolder",
        };

        // Saved only when the settings changed, so a restart does not restart the reader needlessly.
        var saved = await store.GetAsync(settings.TenantId, id, cancellationToken);
        if (saved is not null && saved.Enabled && saved.Folder == source.Folder && saved.AccountIds.SequenceEqual(accounts) && saved.Name == source.Name)
        {
            return;
        }

        try
        {
            await store.SaveAsync(source, cancellationToken);
        }
        catch (SourceConflictException exception)
        {
            LogWatchFolderNotSaved(logger, LogText.Escape(exception.Message));
        }
    }

    private async Task ReconcileAsync(IReadOnlyList<SourceDefinition> sources, SourceReaderServices services, CancellationToken stoppingToken)
    {
        var wanted = sources
            .Where(source => source.Kind is not (SourceKind.Firehose or SourceKind.CommandLine))
            .ToDictionary(source => (source.TenantId, source.Id));

        foreach (var (key, current) in running.ToList())
        {
            if (!wanted.TryGetValue(key, out var definition) || Signature(definition) != current.Signature || current.Task.IsCompleted)
            {
                running.Remove(key);
                LogStopping(logger, LogText.Escape(current.Source.Name), current.Source.TenantId);

                // Stopped before its replacement starts, so two readers never read one source at once.
                await current.StopAsync();
            }
        }

        foreach (var (key, definition) in wanted)
        {
            if (running.ContainsKey(key))
            {
                continue;
            }

            var reader = SourceReader.Create(definition, services);
            if (reader is null)
            {
                continue;
            }

            var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var task = RunAsync(reader, cancellation.Token);
            running[key] = new RunningSource(definition, Signature(definition), cancellation, task);
        }
    }

    private async Task RunAsync(SourceReader reader, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await reader.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped because the source changed or the host is stopping.
        }
        catch (Exception exception)
        {
            LogSourceFailed(logger, exception, LogText.Escape(reader.Source.Name), reader.Source.TenantId);
        }
    }

    /// <summary>Every field of the definition; a change of any restarts the source's reader.</summary>
    private static string Signature(SourceDefinition source) => JsonSerializer.Serialize(source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining ingest: no new object is taken; waiting up to {Seconds} s for the objects in progress")]
    private static partial void LogDraining(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest drained: the objects in progress were finished and recorded")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest drain timed out after {Seconds} s; the objects in progress are abandoned and their leases released, so another silo reads them")]
    private static partial void LogDrainTimedOut(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the list of sources failed; the next poll tries again")]
    private static partial void LogListFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Vigil:Ingest:WatchFolder was not saved as a source: {Reason}")]
    private static partial void LogWatchFolderNotSaved(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the reader of source {SourceName} of tenant {TenantId}: it changed, was disabled or deleted, or stopped")]
    private static partial void LogStopping(ILogger logger, string sourceName, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reader of source {SourceName} of tenant {TenantId} stopped with an error; it starts again at the next poll")]
    private static partial void LogSourceFailed(ILogger logger, Exception exception, string sourceName, string tenantId);

    private sealed record RunningSource(SourceDefinition Source, string Signature, CancellationTokenSource Cancellation, Task Task)
    {
        public async Task StopAsync()
        {
            await Cancellation.CancelAsync();
            await Task;
            Cancellation.Dispose();
        }
    }
}
