using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection;
using Vigil.Detection.Network;
using Vigil.Grains.Diagnostics;
using Vigil.Ingestion.Inspection;
using Vigil.Ingestion.Objects;

namespace Vigil.Grains.Ingest;

/// <summary>
/// Reads log objects (CloudTrail, VPC flow text or Parquet, Route 53 Resolver query logs) and routes
/// their records in chunks to the grains that own them, one grain call per grain per chunk.
/// CloudTrail events go to principal grains, and flow records and DNS queries to endpoint grains.
/// An object is recorded as done in the ledger only after every chunk was applied, which includes
/// storing the findings it raised.
/// </summary>
public sealed partial class LogObjectIngestor(
    IGrainFactory grains,
    IObjectLedger ledger,
    IngestOptions options,
    VigilInstruments instruments,
    TimeProvider clock,
    ILogger<LogObjectIngestor> logger)
{
    private readonly LogObjectInspector inspector = new(new LogObjectInspectorOptions
    {
        CloudTrail = options.Reader,
        MaxDecompressedBytes = options.Reader.MaxDecompressedBytes,
        MaxRejections = Math.Clamp(options.MaxRejectionsLogged, 0, LogObjectInspectorOptions.MaxRejectionsLimit),
    });

    private readonly DoneObjectCache doneObjects = new(options.MaxCachedDoneObjects);
    private readonly GrainReferenceCache<IPrincipalGrain> principalGrains = new(grains, options.MaxCachedGrainReferences);
    private readonly GrainReferenceCache<IEndpointGrain> endpointGrains = new(grains, options.MaxCachedGrainReferences);
    private GrainCallWindows? windows;

    private GrainCallWindows Windows => windows ??= new GrainCallWindows(principalGrains.Get, endpointGrains.Get, Options, clock, Instruments);

    private ILogger Logger { get; } = logger;

    private IngestOptions Options { get; } = options;

    private VigilInstruments Instruments { get; } = instruments;

    /// <summary>
    /// Reads every object below <paramref name="root"/> that the ledger decides to read: new,
    /// rewritten, or failed earlier and due for another attempt, and not leased by another reader.
    /// Once <paramref name="stopTaking"/> is cancelled, no further object is taken and the pass
    /// returns after the objects in progress. <paramref name="cancellationToken"/> abandons those too.
    /// </summary>
    public Task<FolderIngestSummary> IngestFolderAsync(string tenantId, string root, IProgress<ObjectRecord>? progress, CancellationToken cancellationToken, CancellationToken stopTaking = default) =>
        IngestObjectsAsync(tenantId, LogFileDiscovery.Enumerate(root).TakeWhile(_ => !stopTaking.IsCancellationRequested), progress, cancellationToken);

    /// <summary>
    /// Reads the folder as <see cref="IngestFolderAsync(string, string, IProgress{ObjectRecord}?, CancellationToken, CancellationToken)"/>
    /// does, and awaits <paramref name="onRead"/> for each object read, one object at a time.
    /// </summary>
    public Task<FolderIngestSummary> IngestFolderAsync(string tenantId, string root, IProgress<ObjectRecord>? progress, Func<ObjectIngestResult, Task> onRead, CancellationToken cancellationToken) =>
        IngestObjectsAsync(tenantId, LogFileDiscovery.Enumerate(root), progress, cancellationToken, onRead);

    /// <summary>
    /// Reads each of <paramref name="logObjects"/> that the ledger decides to read, up to
    /// <see cref="IngestOptions.MaxParallelObjects"/> at a time. <paramref name="progress"/> gets one
    /// report per object read, from one object at a time, in the order the objects finish, and
    /// <paramref name="onRead"/>, when given, is awaited for each of them, one at a time.
    /// </summary>
    /// <remarks>
    /// NOTE: objects finish in no fixed order. When two occurrences of one finding have the same
    /// latest event time, the one applied last gives the finding's details, so those can vary between runs.
    /// </remarks>
    public async Task<FolderIngestSummary> IngestObjectsAsync(
        string tenantId,
        IEnumerable<LogObject> logObjects,
        IProgress<ObjectRecord>? progress,
        CancellationToken cancellationToken,
        Func<ObjectIngestResult, Task>? onRead = null)
    {
        var summary = new FolderIngestSummary();
        var summaryLock = new Lock();
        using var onReadGate = new SemaphoreSlim(1, 1);
        await IngestManyAsync(
            IngestTarget.AnyAccount(tenantId),
            logObjects.Select(ObjectToRead.FromFile),
            async (decision, result) =>
            {
                lock (summaryLock)
                {
                    if (decision == ObjectReadDecision.LeasedByAnother)
                    {
                        summary.ObjectsLeasedByOthers++;
                    }
                    else if (result is null)
                    {
                        summary.ObjectsSkipped++;
                    }
                    else
                    {
                        summary.Add(result.Record);
                        progress?.Report(result.Record);
                    }
                }

                if (result is not null && onRead is not null)
                {
                    await onReadGate.WaitAsync(CancellationToken.None);
                    try
                    {
                        await onRead(result);
                    }
                    finally
                    {
                        onReadGate.Release();
                    }
                }
            },
            CancellationToken.None,
            cancellationToken);
        return summary;
    }

    /// <summary>
    /// Reads each of <paramref name="logObjects"/> that the ledger decides to read, up to
    /// <see cref="IngestOptions.MaxParallelObjects"/> at a time, and calls <paramref name="onObject"/>
    /// once per object with the decision and, for an object read, its outcome after the ledger
    /// recorded it. The records of many objects share grain calls (<see cref="IngestOptions.WindowCloudTrailEvents"/>),
    /// so an object's outcome can come after later objects were read.
    /// </summary>
    /// <remarks>
    /// <paramref name="onObject"/> may run for several objects at the same time. Once
    /// <paramref name="stopTaking"/> is cancelled, or an object failed with an exception, no further
    /// object is taken, and the method returns after the objects in progress, rethrowing the first
    /// exception. <paramref name="cancellationToken"/> abandons the objects in progress too.
    /// </remarks>
    public async Task IngestManyAsync(
        IngestTarget target,
        IEnumerable<ObjectToRead> logObjects,
        Func<ObjectReadDecision, ObjectIngestResult?, Task> onObject,
        CancellationToken stopTaking,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(logObjects);
        ArgumentNullException.ThrowIfNull(onObject);
        // Objects whose grain calls are still pending. Only the count and the first failure are
        // kept, so a pass over a large folder does not hold every finished object until it ends.
        var inProgress = new InProgressObjects();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxParallelObjects, CancellationToken = cancellationToken };
        var objectsToRead = logObjects.TakeWhile(_ => !stopTaking.IsCancellationRequested && !inProgress.Failed);
        try
        {
            await Parallel.ForEachAsync(objectsToRead, parallel, async (logObject, token) =>
            {
                // The object counts as being read from the ledger query on, so the windows are not
                // sent each time every reader waits for the database between two objects.
                using var reading = Windows.BeginRead();
                if (doneObjects.Contains(target.TenantId, logObject.Key, logObject.Fingerprint))
                {
                    await onObject(ObjectReadDecision.AlreadyDone, null);
                    return;
                }

                var decision = await ledger.DecideAsync(target.TenantId, logObject.Key, logObject.Fingerprint, clock.GetUtcNow(), token);
                if (decision != ObjectReadDecision.Read)
                {
                    if (decision == ObjectReadDecision.AlreadyDone)
                    {
                        doneObjects.Add(target.TenantId, logObject.Key, logObject.Fingerprint);
                    }

                    await onObject(decision, null);
                    return;
                }

                var read = await ReadAsync(target, logObject, token);
                inProgress.Track(CompleteAndReportAsync(read, onObject, token));
            });
        }
        finally
        {
            // The objects already read finish (or release their leases) even when taking failed.
            await inProgress.WhenAllAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await inProgress.WhenAllAsync();
    }

    private async Task CompleteAndReportAsync(ObjectRead read, Func<ObjectReadDecision, ObjectIngestResult?, Task> onObject, CancellationToken cancellationToken)
    {
        var result = await CompleteAsync(read, cancellationToken);
        if (result.Record.Error is null)
        {
            doneObjects.Add(read.Target.TenantId, read.LogObject.Key, read.LogObject.Fingerprint);
        }

        await onObject(ObjectReadDecision.Read, result);
    }

    /// <summary>Reads the object when the ledger decides so; returns no record, with the decision, when it was skipped.</summary>
    private async Task<(ObjectRecord? Record, ObjectReadDecision Decision)> IngestIfDueAsync(string tenantId, LogObject logObject, CancellationToken cancellationToken)
    {
        if (doneObjects.Contains(tenantId, logObject.Key, logObject.Fingerprint))
        {
            return (null, ObjectReadDecision.AlreadyDone);
        }

        var decision = await ledger.DecideAsync(tenantId, logObject.Key, logObject.Fingerprint, clock.GetUtcNow(), cancellationToken);
        if (decision != ObjectReadDecision.Read)
        {
            if (decision == ObjectReadDecision.AlreadyDone)
            {
                doneObjects.Add(tenantId, logObject.Key, logObject.Fingerprint);
            }

            return (null, decision);
        }

        var record = await IngestAsync(tenantId, logObject, cancellationToken);
        if (record.Error is null)
        {
            doneObjects.Add(tenantId, logObject.Key, logObject.Fingerprint);
        }

        return (record, decision);
    }

    /// <summary>Reads one file, applies its records and records the outcome in the ledger.</summary>
    public async Task<ObjectRecord> IngestAsync(string tenantId, LogObject logObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logObject);
        var result = await IngestAsync(IngestTarget.AnyAccount(tenantId), ObjectToRead.FromFile(logObject), cancellationToken);
        return result.Record;
    }

    /// <summary>
    /// Asks the ledger whether the object is due (<see cref="IObjectLedger.DecideAsync"/>) and reads
    /// it when it is. Returns the decision, and the outcome when the object was read.
    /// </summary>
    public async Task<(ObjectReadDecision Decision, ObjectIngestResult? Result)> IngestIfDueAsync(IngestTarget target, ObjectToRead logObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(logObject);
        var decision = await ledger.DecideAsync(target.TenantId, logObject.Key, logObject.Fingerprint, clock.GetUtcNow(), cancellationToken);
        if (decision != ObjectReadDecision.Read)
        {
            return (decision, null);
        }

        return (decision, await IngestAsync(target, logObject, cancellationToken));
    }

    /// <summary>
    /// Reads one object (a file or an S3 object) whose lease the caller holds, applies the records of
    /// the target's accounts, rejects and counts the others, and records the outcome in the ledger,
    /// which releases the lease. An object that cannot be opened is recorded as failed, so the
    /// ledger's back-off decides when it is read again. When the read is abandoned by an exception
    /// (cancellation, or a grain or database call that failed), the lease is released and the exception rethrown.
    /// </summary>
    public async Task<ObjectIngestResult> IngestAsync(IngestTarget target, ObjectToRead logObject, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(target, logObject, cancellationToken);
        return await CompleteAsync(read, cancellationToken);
    }

    /// <summary>
    /// Reads one object whose lease the caller holds and hands its records to the windows. The
    /// returned read is finished by <see cref="CompleteAsync"/>. When reading fails with an exception,
    /// the lease is released and the exception rethrown.
    /// </summary>
    private async Task<ObjectRead> ReadAsync(IngestTarget target, ObjectToRead logObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(logObject);
        try
        {
            return await ReadAndRouteAsync(target, logObject, clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception exception)
        {
            await ReleaseAbandonedAsync(target.TenantId, logObject.Key, exception);
            throw;
        }
    }

    /// <summary>
    /// Waits until the grains applied every chunk of a read object, and records the outcome in the
    /// ledger, which releases the lease. When a grain call or the ledger fails, the lease is
    /// released and the exception rethrown.
    /// </summary>
    private async Task<ObjectIngestResult> CompleteAsync(ObjectRead read, CancellationToken cancellationToken)
    {
        try
        {
            return await CompleteAndRecordAsync(read, cancellationToken);
        }
        catch (Exception exception)
        {
            await ReleaseAbandonedAsync(read.Target.TenantId, read.LogObject.Key, exception);
            throw;
        }
    }

    private async Task ReleaseAbandonedAsync(string tenantId, string objectKey, Exception cause)
    {
        LogObjectAbandoned(logger, LogText.Escape(objectKey), cause.GetType().Name, LogText.Escape(cause.Message));
        try
        {
            // Not the caller's token: a shutdown cancels it, and the release is what lets another
            // silo take the object over at once instead of after the lease expires.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ledger.ReleaseAsync(tenantId, objectKey, timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReleaseFailed(logger, exception, LogText.Escape(objectKey));
        }
    }

    private async Task<ObjectIngestResult> CompleteAndRecordAsync(ObjectRead read, CancellationToken cancellationToken)
    {
        // One span per object; the finding writes of its grain calls are not its children, because
        // one grain call carries the chunks of many objects.
        using var activity = VigilInstruments.ActivitySource.StartActivity("ingest object");
        activity?.SetTag("vigil.tenant", read.Target.TenantId);
        activity?.SetTag("vigil.object.key", read.LogObject.Key);

        ObjectIngestResult outcome;
        if (read.Routers is { } routers)
        {
            await routers.CompleteAsync();
            var totals = routers.Totals with { Rejected = read.RecordsRejected };
            outcome = new ObjectIngestResult(Outcome(read.Target.TenantId, read.LogObject, read.Kind, read.StartedAt, totals, read.Error), routers.NewestEventTime, routers.Unregistered);
        }
        else
        {
            outcome = read.Failed ?? throw new InvalidOperationException("An object read has neither routers nor an outcome.");
        }

        await ledger.RecordAsync(outcome.Record, cancellationToken);
        Instruments.RecordObject(outcome.Record, outcome.NewestEventTime);
        activity?.SetTag("vigil.records", outcome.Record.RecordsRead);
        activity?.SetTag("vigil.findings", outcome.Record.FindingsRaised);
        if (outcome.Record.Error is not null)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.Record.Error);
        }

        return outcome;
    }

    private async Task<ObjectRead> ReadAndRouteAsync(IngestTarget target, ObjectToRead logObject, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        // The inspector detects the kind from the content (the key only breaks ties) and reads the
        // object with the matching reader. The routers hand each batch to the windows of grain calls.
        var routers = new Routers(this, target, $"{logObject.Key}@{logObject.Fingerprint}", logObject.Key);
        Stream content;
        try
        {
            content = await logObject.OpenAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var openError = $"{logObject.Key}: the object cannot be opened: {exception.Message}";
            LogObjectError(Logger, LogText.Escape(openError));
            var failed = new ObjectIngestResult(Outcome(target.TenantId, logObject, ObjectKind.Unknown, startedAt, new RoutingTotals(), openError), null, 0);
            return new ObjectRead(target, logObject, startedAt, null, ObjectKind.Unknown, 0, openError, failed);
        }

        LogObjectInspection inspection;
        using (var reading = Windows.BeginRead())
        {
            await using (content)
            {
                inspection = await inspector.InspectAsync(content, logObject.Key, routers.AddAsync, cancellationToken);
            }

            await routers.FlushAsync();
        }

        foreach (var rejection in inspection.Rejections.Take(Options.MaxRejectionsLogged))
        {
            LogRecordRejected(Logger, LogText.Escape(rejection.ToString()));
        }

        if (inspection.RecordsRejected > Options.MaxRejectionsLogged)
        {
            LogMoreRejections(Logger, (int)Math.Min(int.MaxValue, inspection.RecordsRejected - Options.MaxRejectionsLogged), LogText.Escape(logObject.Key));
        }

        if (routers.Unregistered > 0)
        {
            LogUnregisteredAccounts(Logger, routers.Unregistered, LogText.Escape(logObject.Key), LogText.Escape(target.TenantId));
        }

        var kind = KindOf(inspection.Kind);
        string? error = inspection.Error;
        if (kind is ObjectKind.CloudTrailDigest or ObjectKind.Unknown)
        {
            // Digests and files of no supported kind (notes, exports of other tools) are recorded as
            // skipped, not failed, so they are neither retried nor counted as errors.
            LogObjectSkippedWithReason(Logger, LogText.Escape(logObject.Key), kind, LogText.Escape(inspection.Error ?? "recognised by its content"));
            error = null;
        }
        else if (error is not null)
        {
            LogObjectError(Logger, LogText.Escape(error));
        }

        return new ObjectRead(target, logObject, startedAt, routers, kind, inspection.RecordsRejected + routers.Unregistered, error, null);
    }

    /// <summary>Counts the objects whose completion is pending and keeps the first exception of those that failed.</summary>
    private sealed class InProgressObjects
    {
        private readonly TaskCompletionSource allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int pending = 1;
        private Exception? firstFailure;
        private int sealedCount;

        public bool Failed => Volatile.Read(ref firstFailure) is not null;

        public void Track(Task completion)
        {
            Interlocked.Increment(ref pending);
            completion.ContinueWith(
                (task, state) => ((InProgressObjects)state!).Finished(task),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        /// <summary>Waits for every tracked completion; rethrows the first failure. Call once the last object was tracked.</summary>
        public Task WhenAllAsync()
        {
            if (Interlocked.Exchange(ref sealedCount, 1) == 0)
            {
                Release();
            }

            return allDone.Task;
        }

        private void Finished(Task task)
        {
            if (task.Exception is { } exception)
            {
                Interlocked.CompareExchange(ref firstFailure, exception.InnerException ?? exception, null);
            }
            else if (task.IsCanceled)
            {
                Interlocked.CompareExchange(ref firstFailure, new TaskCanceledException(task), null);
            }

            Release();
        }

        private void Release()
        {
            if (Interlocked.Decrement(ref pending) == 0)
            {
                if (firstFailure is { } failure)
                {
                    allDone.TrySetException(failure);
                }
                else
                {
                    allDone.TrySetResult();
                }
            }
        }
    }

    /// <summary>
    /// An object read to the end whose chunks are in the windows: what <see cref="CompleteAsync"/>
    /// needs to wait for the grains and record the outcome. <see cref="Failed"/> is set instead of
    /// <see cref="Routers"/> for an object that could not be opened.
    /// </summary>
    private sealed record ObjectRead(
        IngestTarget Target,
        ObjectToRead LogObject,
        DateTimeOffset StartedAt,
        Routers? Routers,
        ObjectKind Kind,
        long RecordsRejected,
        string? Error,
        ObjectIngestResult? Failed);

    private static ObjectKind KindOf(LogObjectKind kind) => kind switch
    {
        LogObjectKind.CloudTrail or LogObjectKind.CloudTrailInsights => ObjectKind.CloudTrail,
        LogObjectKind.CloudTrailDigest => ObjectKind.CloudTrailDigest,
        LogObjectKind.VpcFlow => ObjectKind.VpcFlow,
        LogObjectKind.Route53ResolverQuery => ObjectKind.Route53,
        _ => ObjectKind.Unknown,
    };

    private ObjectRecord Outcome(string tenantId, ObjectToRead logObject, ObjectKind kind, DateTimeOffset startedAt, RoutingTotals totals, string? error) => new()
    {
        TenantId = tenantId,
        ObjectKey = logObject.Key,
        Fingerprint = logObject.Fingerprint,
        Kind = kind,
        RecordsRead = totals.Read,
        RecordsRejected = totals.Rejected,
        DuplicatesDropped = totals.Duplicates,
        FindingsRaised = totals.Findings,
        Error = error,
        StartedAt = startedAt,
        FinishedAt = clock.GetUtcNow(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Object {ObjectKey} is a {Kind} object, not a log file Vigil reads ({Reason}); recorded as skipped")]
    private static partial void LogObjectSkippedWithReason(ILogger logger, string objectKey, ObjectKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record rejected: {Rejection}")]
    private static partial void LogRecordRejected(ILogger logger, string rejection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} more records of {ObjectKey} were rejected; see the object ledger for the total")]
    private static partial void LogMoreRejections(ILogger logger, int count, string objectKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record rejected: {Rejection}")]
    private static partial void LogUnregisteredRecord(ILogger logger, string rejection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} records of {ObjectKey} came from accounts not registered to tenant {TenantId} for this source; they were rejected")]
    private static partial void LogUnregisteredAccounts(ILogger logger, long count, string objectKey, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading object {ObjectKey} was abandoned ({ExceptionType}: {Reason}); its lease is released so it is read again")]
    private static partial void LogObjectAbandoned(ILogger logger, string objectKey, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the lease of object {ObjectKey} failed; another reader takes it over when the lease expires")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string objectKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Object stopped early: {Error}")]
    private static partial void LogObjectError(ILogger logger, string error);

    /// <summary>
    /// Keeps the records of one object's batches whose account the target accepts, and hands them to
    /// the object's <see cref="GrainRouters"/>.
    /// </summary>
    private sealed class Routers(LogObjectIngestor owner, IngestTarget target, string objectKey, string key)
    {
        private readonly string tenantId = target.TenantId;
        private readonly (string? AccountId, string? Region) keyLayout = LogKeyLayout.Parse(key);
        private long parsed;
        private int unregisteredLogged;
        private readonly GrainRouters routers = new(target.TenantId, objectKey, owner.Windows, owner.Options.ChunkSize);

        public RoutingTotals Totals => routers.Totals;

        /// <summary>Records rejected because their account is not one of the target's.</summary>
        public long Unregistered { get; private set; }

        public DateTimeOffset? NewestEventTime => routers.NewestEventTime;

        public ValueTask AddAsync(LogRecordBatch batch) => batch switch
        {
            CloudTrailEventBatch events => routers.AddCloudTrailAsync(Registered(events.Events, record => record.RecipientAccountId ?? keyLayout.AccountId)),
            FlowRecordBatch records => routers.AddFlowsAsync(Registered(WithKeyLayout(records.Records), record => record.AccountId is null or "unknown" ? null : record.AccountId)),
            DnsQueryRecordBatch records => routers.AddQueriesAsync(Registered(records.Records, record => record.AccountId)),
            _ => throw new ArgumentException($"Unknown record batch type {batch.GetType().Name}.", nameof(batch)),
        };

        public Task FlushAsync() => routers.FlushAsync();

        public Task CompleteAsync() => routers.CompleteAsync();

        /// <summary>
        /// Keeps the records of the target's accounts. The others are counted and rejected, the first
        /// of them logged with the object key, the record's place among the parsed records and the account.
        /// </summary>
        private IReadOnlyList<TRecord> Registered<TRecord>(IReadOnlyList<TRecord> records, Func<TRecord, string?> accountOf)
        {
            if (target.AccountIds is null)
            {
                parsed += records.Count;
                return records;
            }

            List<TRecord>? kept = null;
            for (var index = 0; index < records.Count; index++)
            {
                parsed++;
                var account = accountOf(records[index]);
                if (account is not null && target.AccountIds.Contains(account))
                {
                    kept?.Add(records[index]);
                    continue;
                }

                kept ??= [.. records.Take(index)];
                Unregistered++;
                if (unregisteredLogged < owner.Options.MaxRejectionsLogged)
                {
                    unregisteredLogged++;
                    var reason = account is null
                        ? "the record names no AWS account, so it cannot be matched to an account registered for this source"
                        : $"account {account} is not registered to tenant {tenantId} for this source";
                    LogUnregisteredRecord(owner.Logger, LogText.Escape($"{key}: parsed record {parsed}: {reason}"));
                }
            }

            return kept is null ? records : kept;
        }

        /// <summary>Fills in the account and region from the delivery key for flow records whose format leaves them out.</summary>
        private IReadOnlyList<FlowRecord> WithKeyLayout(IReadOnlyList<FlowRecord> records)
        {
            var (keyAccountId, keyRegion) = keyLayout;
            if (keyRegion is null && keyAccountId is null)
            {
                return records;
            }

            var completed = new List<FlowRecord>(records.Count);
            foreach (var record in records)
            {
                var accountMissing = record.AccountId is null or "unknown";
                completed.Add(record.Region is not null && !accountMissing
                    ? record
                    : record with { Region = record.Region ?? keyRegion, AccountId = accountMissing ? keyAccountId ?? record.AccountId : record.AccountId });
            }

            return completed;
        }
    }
}
