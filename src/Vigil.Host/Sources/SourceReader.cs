using System.Net.Sockets;
using Npgsql;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Grains.Ingest;

namespace Vigil.Host.Sources;

/// <summary>What every source reader uses: the ingestor, the source store, metrics, the clock and settings.</summary>
public sealed record SourceReaderServices(
    LogObjectIngestor Ingestor,
    ISourceStore Store,
    SourceInstruments Instruments,
    TimeProvider Clock,
    ILoggerFactory LoggerFactory,
    SourceReaderSettings Settings)
{
    /// <summary>
    /// Cancelled when the host stops for good: it aborts the objects in progress, whose leases are
    /// then released. A reader's own token only stops it from taking new objects, so a drain or a
    /// changed source lets the object in progress finish.
    /// </summary>
    public CancellationToken HostStopping { get; init; }
}

/// <summary>Timing and bounds of the source readers.</summary>
public sealed record SourceReaderSettings
{
    /// <summary>Pause between two passes of a folder or listing source, and before a failed pass is tried again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keys a listing source remembers as done, to spare ledger queries on each pass.</summary>
    public int DoneKeyCacheCapacity { get; init; } = 200_000;

    /// <summary>Long-poll wait of one SQS receive call (at most 20 seconds).</summary>
    public int QueueWaitSeconds { get; init; } = 20;
}

/// <summary>
/// Reads one source until it is cancelled, and adds the outcome of each object to the source's
/// counters and metrics. Every object goes through <see cref="LogObjectIngestor.IngestIfDueAsync"/>,
/// so the ledger decides whether it is read.
/// </summary>
public abstract partial class SourceReader
{
    private static readonly TimeSpan PausedReminderPeriod = TimeSpan.FromMinutes(1);

    private string? lastError;
    private DateTimeOffset? pausedSince;
    private DateTimeOffset lastPausedLog;
    private int failedPasses;

    protected SourceReader(SourceDefinition source, SourceReaderServices services)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(services);
        Source = source;
        Services = services;
        Target = source.AccountIds.Count == 0
            ? IngestTarget.AnyAccount(source.TenantId)
            : IngestTarget.ForAccounts(source.TenantId, source.AccountIds);
        Logger = services.LoggerFactory.CreateLogger(GetType());
    }

    public SourceDefinition Source { get; }

    protected SourceReaderServices Services { get; }

    protected IngestTarget Target { get; }

    protected ILogger Logger { get; }

    /// <summary>Creates the reader of a folder, S3 listing or S3 notification source; null for kinds read elsewhere (Firehose).</summary>
    public static SourceReader? Create(SourceDefinition source, SourceReaderServices services)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Kind switch
        {
            SourceKind.Folder => new FolderSourceReader(source, services),
            SourceKind.S3Listing => new S3ListingSourceReader(source, services),
            SourceKind.S3Notifications => new S3NotificationSourceReader(source, services),
            _ => null,
        };
    }

    /// <summary>Reads the source until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Target.AccountIds is null)
        {
            LogEveryAccount(Logger, LogText.Escape(Source.Name), Source.TenantId);
        }

        await RunCoreAsync(cancellationToken);
    }

    protected abstract Task RunCoreAsync(CancellationToken cancellationToken);

    /// <summary>Reads the object when the ledger decides it is due, and records what the read added.</summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> is checked before the object is taken. Once taken, the
    /// object is read to the end unless the host stops for good (<see cref="SourceReaderServices.HostStopping"/>).
    /// </remarks>
    protected async Task<(ObjectReadDecision Decision, ObjectIngestResult? Result)> ReadObjectAsync(ObjectToRead logObject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (decision, result) = await Services.Ingestor.IngestIfDueAsync(Target, logObject, Services.HostStopping);
        if (result is not null)
        {
            await RecordReadAsync(result);
        }

        return (decision, result);
    }

    /// <summary>Logs a failed object and adds the outcome of one object read to the source's counters and metrics.</summary>
    protected async Task RecordReadAsync(ObjectIngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var record = result.Record;
        if (record.Error is not null)
        {
            LogObjectFailed(Logger, LogText.Escape(Source.Name), LogText.Escape(record.ObjectKey), LogText.Escape(record.Error));
        }

        await RecordProgressAsync(result.ToProgress(Source.TenantId, Source.Id));
    }

    /// <summary>Records a problem of the source itself (a listing or a receive that failed, a malformed message).</summary>
    protected Task RecordErrorAsync(string error) => RecordProgressAsync(new SourceProgress
    {
        TenantId = Source.TenantId,
        SourceId = Source.Id,
        Error = error,
        At = Services.Clock.GetUtcNow(),
    });

    /// <summary>
    /// Returns true when <paramref name="error"/> differs from the previous failure of the source,
    /// so a failure that repeats every pass is logged once. <see cref="ClearRepeatedError"/> ends a run of failures.
    /// </summary>
    protected bool IsNewError(string error)
    {
        if (string.Equals(error, lastError, StringComparison.Ordinal))
        {
            return false;
        }

        lastError = error;
        return true;
    }

    protected void ClearRepeatedError() => lastError = null;

    /// <summary>Waits for the poll interval; false when cancelled.</summary>
    protected async Task<bool> PauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Services.Settings.PollInterval, Services.Clock, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Logs that ingest of the source paused because a pass failed: the first failure at once, then a
    /// reminder each minute while the failures go on.
    /// </summary>
    protected void Pause(string location, Exception exception)
    {
        failedPasses++;
        var now = Services.Clock.GetUtcNow();
        var cause = LogText.Escape(Describe(exception));
        if (pausedSince is null)
        {
            pausedSince = now;
            lastPausedLog = now;
            LogIngestPaused(Logger, exception, LogText.Escape(location), cause, Services.Settings.PollInterval.TotalSeconds);
        }
        else if (now - lastPausedLog >= PausedReminderPeriod)
        {
            lastPausedLog = now;
            LogIngestStillPaused(Logger, LogText.Escape(location), (now - pausedSince.Value).TotalSeconds, failedPasses, cause);
        }
    }

    /// <summary>Logs that ingest resumed when a pass succeeds after failed ones.</summary>
    protected void Resume()
    {
        if (pausedSince is { } since)
        {
            LogIngestResumed(Logger, LogText.Escape(Source.Name), (Services.Clock.GetUtcNow() - since).TotalSeconds, failedPasses);
            pausedSince = null;
            failedPasses = 0;
        }
    }

    /// <summary>Returns what an operator should check first, from the exception and its inner exceptions.</summary>
    internal static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres when postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal):
                    // Class 57P is a server shutting down or starting up, and class 08 a broken connection.
                    return $"the database is unavailable (PostgreSQL error {postgres.SqlState}: {postgres.MessageText})";
                case PostgresException postgres:
                    return $"PostgreSQL returned error {postgres.SqlState}: {postgres.MessageText}";
                case NpgsqlException or SocketException:
                    return $"the database is unavailable: {current.Message}";
                case Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException:
                    return $"a grain call reached no live silo: {current.Message}";
                case TimeoutException:
                    return $"an operation timed out: {current.Message}";
            }
        }

        return $"{exception.GetType().Name}: {exception.Message}";
    }

    private async Task RecordProgressAsync(SourceProgress progress)
    {
        // The counters are written even while the reader stops, so a finished read is never lost from them.
        await Services.Store.RecordProgressAsync(progress, CancellationToken.None);
        Services.Instruments.Record(Source, progress);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceName} of tenant {TenantId} lists no AWS accounts, so records of every account are accepted; list the accounts to reject records of others")]
    private static partial void LogEveryAccount(ILogger logger, string sourceName, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest paused: scanning {Location} failed because {Cause}. The object in progress is read again later; the next pass retries in {PollSeconds} s")]
    private static partial void LogIngestPaused(ILogger logger, Exception exception, string location, string cause, double pollSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest of {Location} still paused after {Seconds:F0} s and {FailedPasses} failed passes; last cause: {Cause}")]
    private static partial void LogIngestStillPaused(ILogger logger, string location, double seconds, int failedPasses, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest resumed after a pause of {Seconds:F0} s ({FailedPasses} failed passes) for source {SourceName}")]
    private static partial void LogIngestResumed(ILogger logger, string sourceName, double seconds, int failedPasses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceName}: object {ObjectKey} failed: {Error}")]
    private static partial void LogObjectFailed(ILogger logger, string sourceName, string objectKey, string error);
}
