using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection;
using Vigil.Detection.Network;
using Vigil.Grains.Diagnostics;
using Vigil.Ingestion;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Objects;
using Vigil.Ingestion.Route53;
using Vigil.Ingestion.VpcFlow;

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
    private readonly CloudTrailObjectReader cloudTrailReader = new(options.Reader);
    private readonly VpcFlowTextReader flowTextReader = new();
    private readonly VpcFlowParquetReader flowParquetReader = new();
    private readonly Route53QueryLogReader dnsReader = new();

    private IGrainFactory Grains { get; } = grains;

    private IngestOptions Options { get; } = options;

    /// <summary>
    /// Reads every object below <paramref name="root"/> that the ledger decides to read: new,
    /// rewritten, or failed earlier and due for another attempt.
    /// </summary>
    public async Task<FolderIngestSummary> IngestFolderAsync(string tenantId, string root, IProgress<ObjectRecord>? progress, CancellationToken cancellationToken)
    {
        var summary = new FolderIngestSummary();
        foreach (var logObject in LogFileDiscovery.Enumerate(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var decision = await ledger.DecideAsync(tenantId, logObject.Key, logObject.Fingerprint, clock.GetUtcNow(), cancellationToken);
            if (decision != ObjectReadDecision.Read)
            {
                summary.ObjectsSkipped++;
                continue;
            }

            var record = await IngestAsync(tenantId, logObject, cancellationToken);
            summary.Add(record);
            progress?.Report(record);
        }

        return summary;
    }

    /// <summary>Reads one object, applies its records and records the outcome in the ledger.</summary>
    public async Task<ObjectRecord> IngestAsync(string tenantId, LogObject logObject, CancellationToken cancellationToken)
    {
        // One span per object; the grain calls it makes, and the finding writes they make, are its children.
        using var activity = VigilInstruments.ActivitySource.StartActivity("ingest object");
        activity?.SetTag("vigil.tenant", tenantId);
        activity?.SetTag("vigil.object.key", logObject.Key);

        var startedAt = clock.GetUtcNow();
        var outcome = logObject.Kind switch
        {
            ObjectKind.CloudTrail or ObjectKind.VpcFlow or ObjectKind.Route53 => await ReadAndRouteAsync(tenantId, logObject, startedAt, cancellationToken),
            _ => Skipped(tenantId, logObject, startedAt),
        };

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

    private (ObjectRecord Record, DateTimeOffset? NewestEventTime) Skipped(string tenantId, LogObject logObject, DateTimeOffset startedAt)
    {
        LogObjectSkipped(logger, LogText.Escape(logObject.Key), logObject.Kind);
        return (Outcome(tenantId, logObject, logObject.Kind, startedAt, new RoutingTotals(), null), null);
    }

    private async Task<(ObjectRecord Record, DateTimeOffset? NewestEventTime)> ReadAndRouteAsync(string tenantId, LogObject logObject, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var objectKey = $"{logObject.Key}@{logObject.Fingerprint}";
        var rejections = new RejectionLog(logger, Options.MaxRejectionsLogged);
        IRoutedRead read = logObject.Kind switch
        {
            ObjectKind.CloudTrail => new CloudTrailRead(this, tenantId, objectKey),
            ObjectKind.VpcFlow => new FlowRead(this, tenantId, objectKey, logObject.Key),
            _ => new DnsRead(this, tenantId, objectKey),
        };

        (ObjectKind Kind, long Rejected, string? Error) result;
        try
        {
            await using var file = File.OpenRead(logObject.Path);
            if (logObject.Kind == ObjectKind.VpcFlow && LogFileDiscovery.IsParquet(logObject.Key))
            {
                result = await ((FlowRead)read).ReadParquetAsync(file, logObject.Key, startedAt, rejections.Report, cancellationToken);
            }
            else
            {
                await using var content = await LogObjectStream.OpenAsync(file, Options.Reader.MaxDecompressedBytes, cancellationToken);
                result = await read.ReadAsync(content, logObject.Key, startedAt, rejections.Report, cancellationToken);
            }

            await read.FlushAsync();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Whatever was routed before the failure stays applied; the object is recorded as failed.
            await read.FlushAsync();
            LogObjectFailed(logger, exception, LogText.Escape(logObject.Key));
            return (Outcome(tenantId, logObject, logObject.Kind, startedAt, read.Totals, exception.Message), read.NewestEventTime);
        }

        rejections.Finish(logObject.Key);
        if (result.Kind == ObjectKind.CloudTrailDigest)
        {
            LogObjectSkipped(logger, LogText.Escape(logObject.Key), result.Kind);
        }
        else if (result.Error is not null)
        {
            LogObjectError(logger, LogText.Escape(result.Error));
        }

        var totals = read.Totals with { Rejected = result.Rejected };
        var error = result.Kind == ObjectKind.CloudTrailDigest ? null : result.Error;
        return (Outcome(tenantId, logObject, result.Kind, startedAt, totals, error), read.NewestEventTime);
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Object {ObjectKey} is a {Kind} object, not a log file Vigil reads; recorded as skipped")]
    private static partial void LogObjectSkipped(ILogger logger, string objectKey, ObjectKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record rejected: {Rejection}")]
    private static partial void LogRecordRejected(ILogger logger, string rejection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} more records of {ObjectKey} were rejected; see the object ledger for the total")]
    private static partial void LogMoreRejections(ILogger logger, int count, string objectKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading object {ObjectKey} failed; the records read before the failure were applied")]
    private static partial void LogObjectFailed(ILogger logger, Exception exception, string objectKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Object stopped early: {Error}")]
    private static partial void LogObjectError(ILogger logger, string error);

    /// <summary>Logs the first rejections of an object one by one and the rest as a count.</summary>
    private sealed class RejectionLog(ILogger logger, int maxLogged)
    {
        private int count;

        public void Report(RecordRejection rejection)
        {
            if (count++ < maxLogged)
            {
                LogRecordRejected(logger, LogText.Escape(rejection.ToString()));
            }
        }

        public void Finish(string objectKey)
        {
            if (count > maxLogged)
            {
                LogMoreRejections(logger, count - maxLogged, LogText.Escape(objectKey));
            }
        }
    }

    /// <summary>One object being read by the reader of its kind, with its records routed to their grains.</summary>
    private interface IRoutedRead
    {
        RoutingTotals Totals { get; }

        DateTimeOffset? NewestEventTime { get; }

        Task<(ObjectKind Kind, long Rejected, string? Error)> ReadAsync(Stream content, string objectName, DateTimeOffset ingestTime, Action<RecordRejection> onRejected, CancellationToken cancellationToken);

        Task FlushAsync();
    }

    private sealed class CloudTrailRead(LogObjectIngestor owner, string tenantId, string objectKey) : IRoutedRead
    {
        private readonly ChunkRouter<CloudTrailEvent> router = new(
            PrincipalKey.For,
            record => record.EventTime,
            (key, chunk, records) => owner.Grains.GetGrain<IPrincipalGrain>(PrincipalKey.GrainKey(tenantId, key))
                .ApplyCloudTrailAsync(new CloudTrailBatch(tenantId, objectKey, chunk, records)),
            owner.Options.ChunkSize);

        public RoutingTotals Totals => router.Totals;

        public DateTimeOffset? NewestEventTime => router.NewestEventTime;

        public async Task<(ObjectKind Kind, long Rejected, string? Error)> ReadAsync(Stream content, string objectName, DateTimeOffset ingestTime, Action<RecordRejection> onRejected, CancellationToken cancellationToken)
        {
            var summary = await owner.cloudTrailReader.ReadAsync(content, objectName, ingestTime, router.AddAsync, onRejected, cancellationToken);
            return (summary.Kind, summary.RecordsRejected, summary.Error);
        }

        public Task FlushAsync() => router.FlushAsync();
    }

    private sealed class FlowRead : IRoutedRead
    {
        private readonly LogObjectIngestor owner;
        private readonly ChunkRouter<FlowRecord> router;
        private readonly string? keyAccountId;
        private readonly string? keyRegion;

        public FlowRead(LogObjectIngestor owner, string tenantId, string objectKey, string key)
        {
            this.owner = owner;
            (keyAccountId, keyRegion) = LogKeyLayout.Parse(key);
            router = new ChunkRouter<FlowRecord>(
                EndpointKey.ForFlow,
                record => record.End ?? record.Start,
                (endpoint, chunk, records) => owner.Grains.GetGrain<IEndpointGrain>(EndpointKey.GrainKey(tenantId, endpoint))
                    .ApplyFlowsAsync(new FlowBatch(tenantId, objectKey, chunk, records)),
                owner.Options.ChunkSize);
        }

        public RoutingTotals Totals => router.Totals;

        public DateTimeOffset? NewestEventTime => router.NewestEventTime;

        public async Task<(ObjectKind Kind, long Rejected, string? Error)> ReadAsync(Stream content, string objectName, DateTimeOffset ingestTime, Action<RecordRejection> onRejected, CancellationToken cancellationToken)
        {
            var summary = await owner.flowTextReader.ReadAsync(content, objectName, ingestTime, AddAsync, onRejected, cancellationToken);
            return (ObjectKind.VpcFlow, summary.RecordsRejected, summary.Error);
        }

        public async Task<(ObjectKind Kind, long Rejected, string? Error)> ReadParquetAsync(Stream file, string objectName, DateTimeOffset ingestTime, Action<RecordRejection> onRejected, CancellationToken cancellationToken)
        {
            var summary = await owner.flowParquetReader.ReadAsync(file, objectName, ingestTime, AddAsync, onRejected, cancellationToken);
            return (ObjectKind.VpcFlow, summary.RecordsRejected, summary.Error);
        }

        public Task FlushAsync() => router.FlushAsync();

        /// <summary>Fills in the account and region from the object key for records whose format leaves them out.</summary>
        private ValueTask AddAsync(IReadOnlyList<FlowRecord> records)
        {
            if (keyRegion is null && keyAccountId is null)
            {
                return router.AddAsync(records);
            }

            var completed = new List<FlowRecord>(records.Count);
            foreach (var record in records)
            {
                completed.Add(record.Region is not null && record.AccountId is not null and not "unknown"
                    ? record
                    : record with { Region = record.Region ?? keyRegion, AccountId = record.AccountId is null or "unknown" ? keyAccountId ?? record.AccountId : record.AccountId });
            }

            return router.AddAsync(completed);
        }
    }

    private sealed class DnsRead(LogObjectIngestor owner, string tenantId, string objectKey) : IRoutedRead
    {
        private readonly ChunkRouter<DnsQueryRecord> router = new(
            EndpointKey.ForDns,
            record => record.QueryTimestamp,
            (endpoint, chunk, records) => owner.Grains.GetGrain<IEndpointGrain>(EndpointKey.GrainKey(tenantId, endpoint))
                .ApplyDnsQueriesAsync(new DnsQueryBatch(tenantId, objectKey, chunk, records)),
            owner.Options.ChunkSize);

        public RoutingTotals Totals => router.Totals;

        public DateTimeOffset? NewestEventTime => router.NewestEventTime;

        public async Task<(ObjectKind Kind, long Rejected, string? Error)> ReadAsync(Stream content, string objectName, DateTimeOffset ingestTime, Action<RecordRejection> onRejected, CancellationToken cancellationToken)
        {
            var summary = await owner.dnsReader.ReadAsync(content, objectName, ingestTime, router.AddAsync, onRejected, cancellationToken);
            return (ObjectKind.Route53, summary.RecordsRejected, null);
        }

        public Task FlushAsync() => router.FlushAsync();
    }
}
