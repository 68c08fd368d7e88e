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

    private IngestOptions Options { get; } = options;

    /// <summary>
    /// Reads every object below <paramref name="root"/> that the ledger decides to read: new,
    /// rewritten, or failed earlier and due for another attempt.
    /// </summary>
    public Task<FolderIngestSummary> IngestFolderAsync(string tenantId, string root, IProgress<ObjectRecord>? progress, CancellationToken cancellationToken) =>
        IngestObjectsAsync(tenantId, LogFileDiscovery.Enumerate(root), progress, cancellationToken);

    /// <summary>
    /// Reads each of <paramref name="logObjects"/> that the ledger decides to read, up to
    /// <see cref="IngestOptions.MaxParallelObjects"/> at a time. <paramref name="progress"/> gets one
    /// report per object read, from one object at a time, in the order the objects finish.
    /// </summary>
    /// <remarks>
    /// NOTE: objects finish in no fixed order. When two occurrences of one finding have the same
    /// latest event time, the one applied last gives the finding's details, so those can vary between runs.
    /// </remarks>
    public async Task<FolderIngestSummary> IngestObjectsAsync(string tenantId, IEnumerable<LogObject> logObjects, IProgress<ObjectRecord>? progress, CancellationToken cancellationToken)
    {
        var summary = new FolderIngestSummary();
        var summaryLock = new Lock();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxParallelObjects, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(logObjects, parallel, async (logObject, token) =>
        {
            var record = await IngestIfDueAsync(tenantId, logObject, token);
            lock (summaryLock)
            {
                if (record is null)
                {
                    summary.ObjectsSkipped++;
                    return;
                }

                summary.Add(record);
                progress?.Report(record);
            }
        });

        return summary;
    }

    /// <summary>Reads the object when the ledger decides so; returns null when it was skipped.</summary>
    private async Task<ObjectRecord?> IngestIfDueAsync(string tenantId, LogObject logObject, CancellationToken cancellationToken)
    {
        if (doneObjects.Contains(tenantId, logObject.Key, logObject.Fingerprint))
        {
            return null;
        }

        var decision = await ledger.DecideAsync(tenantId, logObject.Key, logObject.Fingerprint, clock.GetUtcNow(), cancellationToken);
        if (decision != ObjectReadDecision.Read)
        {
            if (decision == ObjectReadDecision.AlreadyDone)
            {
                doneObjects.Add(tenantId, logObject.Key, logObject.Fingerprint);
            }

            return null;
        }

        var record = await IngestAsync(tenantId, logObject, cancellationToken);
        if (record.Error is null)
        {
            doneObjects.Add(tenantId, logObject.Key, logObject.Fingerprint);
        }

        return record;
    }

    /// <summary>Reads one object, applies its records and records the outcome in the ledger.</summary>
    public async Task<ObjectRecord> IngestAsync(string tenantId, LogObject logObject, CancellationToken cancellationToken)
    {
        // One span per object; the grain calls it makes, and the finding writes they make, are its children.
        using var activity = VigilInstruments.ActivitySource.StartActivity("ingest object");
        activity?.SetTag("vigil.tenant", tenantId);
        activity?.SetTag("vigil.object.key", logObject.Key);

        var startedAt = clock.GetUtcNow();
        var outcome = await ReadAndRouteAsync(tenantId, logObject, startedAt, cancellationToken);

        await ledger.RecordAsync(outcome.Record, cancellationToken);
        instruments.RecordObject(outcome.Record, outcome.NewestEventTime);
        activity?.SetTag("vigil.records", outcome.Record.RecordsRead);
        activity?.SetTag("vigil.findings", outcome.Record.FindingsRaised);
        if (outcome.Record.Error is not null)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.Record.Error);
        }

        return outcome.Record;
    }

    private async Task<(ObjectRecord Record, DateTimeOffset? NewestEventTime)> ReadAndRouteAsync(string tenantId, LogObject logObject, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        // The inspector detects the kind from the content (the key only breaks ties) and reads the
        // object with the matching reader. The routers send each batch on to the owning grains.
        var routers = new Routers(this, tenantId, $"{logObject.Key}@{logObject.Fingerprint}", logObject.Key);
        var inspection = await inspector.InspectFileAsync(logObject.Path, logObject.Key, routers.AddAsync, cancellationToken);
        await routers.FlushAsync();

        foreach (var rejection in inspection.Rejections.Take(Options.MaxRejectionsLogged))
        {
            LogRecordRejected(logger, LogText.Escape(rejection.ToString()));
        }

        if (inspection.RecordsRejected > Options.MaxRejectionsLogged)
        {
            LogMoreRejections(logger, (int)Math.Min(int.MaxValue, inspection.RecordsRejected - Options.MaxRejectionsLogged), LogText.Escape(logObject.Key));
        }

        var kind = KindOf(inspection.Kind);
        string? error = inspection.Error;
        if (kind is ObjectKind.CloudTrailDigest or ObjectKind.Unknown)
        {
            // Digests and files of no supported kind (notes, exports of other tools) are recorded as
            // skipped, not failed, so they are neither retried nor counted as errors.
            LogObjectSkippedWithReason(logger, LogText.Escape(logObject.Key), kind, LogText.Escape(inspection.Error ?? "recognised by its content"));
            error = null;
        }
        else if (error is not null)
        {
            LogObjectError(logger, LogText.Escape(error));
        }

        var totals = routers.Totals with { Rejected = inspection.RecordsRejected };
        return (Outcome(tenantId, logObject, kind, startedAt, totals, error), routers.NewestEventTime);
    }

    private static ObjectKind KindOf(LogObjectKind kind) => kind switch
    {
        LogObjectKind.CloudTrail or LogObjectKind.CloudTrailInsights => ObjectKind.CloudTrail,
        LogObjectKind.CloudTrailDigest => ObjectKind.CloudTrailDigest,
        LogObjectKind.VpcFlow => ObjectKind.VpcFlow,
        LogObjectKind.Route53ResolverQuery => ObjectKind.Route53,
        _ => ObjectKind.Unknown,
    };

    private ObjectRecord Outcome(string tenantId, LogObject logObject, ObjectKind kind, DateTimeOffset startedAt, RoutingTotals totals, string? error) => new()
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


    [LoggerMessage(Level = LogLevel.Error, Message = "Object stopped early: {Error}")]
    private static partial void LogObjectError(ILogger logger, string error);

    /// <summary>
    /// The routers of one object, one per record kind, created when the first batch of that kind
    /// arrives: CloudTrail events to principal grains, flow records and queries to endpoint grains.
    /// </summary>
    private sealed class Routers(LogObjectIngestor owner, string tenantId, string objectKey, string key)
    {
        private readonly (string? AccountId, string? Region) keyLayout = LogKeyLayout.Parse(key);
        private ChunkRouter<CloudTrailEvent>? cloudTrail;
        private ChunkRouter<FlowRecord>? flows;
        private ChunkRouter<DnsQueryRecord>? queries;

        public RoutingTotals Totals => Sum(cloudTrail?.Totals, flows?.Totals, queries?.Totals);

        public DateTimeOffset? NewestEventTime => new[] { cloudTrail?.NewestEventTime, flows?.NewestEventTime, queries?.NewestEventTime }.Max();

        public ValueTask AddAsync(LogRecordBatch batch) => batch switch
        {
            CloudTrailEventBatch events => (cloudTrail ??= CloudTrailRouter()).AddAsync(events.Events),
            FlowRecordBatch records => (flows ??= FlowRouter()).AddAsync(WithKeyLayout(records.Records)),
            DnsQueryRecordBatch records => (queries ??= QueryRouter()).AddAsync(records.Records),
            _ => throw new ArgumentException($"Unknown record batch type {batch.GetType().Name}.", nameof(batch)),
        };

        public async Task FlushAsync()
        {
            if (cloudTrail is not null)
            {
                await cloudTrail.FlushAsync();
            }

            if (flows is not null)
            {
                await flows.FlushAsync();
            }

            if (queries is not null)
            {
                await queries.FlushAsync();
            }
        }

        private static RoutingTotals Sum(params RoutingTotals?[] parts) => parts.Aggregate(new RoutingTotals(), (sum, part) => part is null ? sum : new RoutingTotals(
            sum.Read + part.Read, sum.Rejected + part.Rejected, sum.Duplicates + part.Duplicates, sum.Findings + part.Findings));

        private ChunkRouter<CloudTrailEvent> CloudTrailRouter() => new(
            PrincipalKey.For,
            record => record.EventTime,
            (principal, chunk, records) => owner.principalGrains.Get(PrincipalKey.GrainKey(tenantId, principal))
                .ApplyCloudTrailAsync(new CloudTrailBatch(tenantId, objectKey, chunk, records)),
            owner.Options.ChunkSize);

        private ChunkRouter<FlowRecord> FlowRouter() => new(
            EndpointKey.ForFlow,
            record => record.End ?? record.Start,
            (endpoint, chunk, records) => owner.endpointGrains.Get(EndpointKey.GrainKey(tenantId, endpoint))
                .ApplyFlowsAsync(new FlowBatch(tenantId, objectKey, chunk, records)),
            owner.Options.ChunkSize);

        private ChunkRouter<DnsQueryRecord> QueryRouter() => new(
            EndpointKey.ForDns,
            record => record.QueryTimestamp,
            (endpoint, chunk, records) => owner.endpointGrains.Get(EndpointKey.GrainKey(tenantId, endpoint))
                .ApplyDnsQueriesAsync(new DnsQueryBatch(tenantId, objectKey, chunk, records)),
            owner.Options.ChunkSize);

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
