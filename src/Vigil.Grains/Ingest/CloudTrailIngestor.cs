using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection;
using Vigil.Grains.Diagnostics;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Objects;

namespace Vigil.Grains.Ingest;

/// <summary>
/// Reads CloudTrail log objects and routes their events, in chunks, to the principal grains that own
/// them: one grain call per principal per chunk. An object is recorded as done in the ledger only
/// after every chunk was applied, which includes storing the findings it raised.
/// </summary>
public sealed partial class CloudTrailIngestor(
    IGrainFactory grains,
    IObjectLedger ledger,
    IngestOptions options,
    VigilInstruments instruments,
    TimeProvider clock,
    ILogger<CloudTrailIngestor> logger)
{
    private readonly CloudTrailObjectReader reader = new(options.Reader);

    /// <summary>
    /// Reads every object below <paramref name="root"/> that the ledger says to read: new, rewritten,
    /// or failed earlier and due for another attempt.
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

    /// <summary>Reads one object, applies its events and records the outcome in the ledger.</summary>
    public async Task<ObjectRecord> IngestAsync(string tenantId, LogObject logObject, CancellationToken cancellationToken)
    {
        // One span per object; the grain calls it makes, and the finding writes they make, are its children.
        using var activity = VigilInstruments.ActivitySource.StartActivity("ingest object");
        activity?.SetTag("vigil.tenant", tenantId);
        activity?.SetTag("vigil.object.key", logObject.Key);

        var startedAt = clock.GetUtcNow();
        (ObjectRecord Record, DateTimeOffset? NewestEventTime) outcome;
        if (logObject.Kind != ObjectKind.CloudTrail)
        {
            LogObjectSkipped(logger, LogText.Escape(logObject.Key), logObject.Kind);
            outcome = (Outcome(tenantId, logObject, logObject.Kind, startedAt, new RoutingTotals(), null), null);
        }
        else
        {
            outcome = await ReadAndRouteAsync(tenantId, logObject, startedAt, cancellationToken);
        }

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
        var router = new ChunkRouter(grains, tenantId, $"{logObject.Key}@{logObject.Fingerprint}", options.ChunkSize);
        var rejectionsLogged = 0;
        CloudTrailObjectSummary summary;
        try
        {
            await using var file = File.OpenRead(logObject.Path);
            await using var content = await LogObjectStream.OpenAsync(file, options.Reader.MaxDecompressedBytes, cancellationToken);
            summary = await reader.ReadAsync(
                content,
                logObject.Key,
                startedAt,
                events => router.AddAsync(events),
                rejection =>
                {
                    if (rejectionsLogged++ < options.MaxRejectionsLogged)
                    {
                        LogRecordRejected(logger, LogText.Escape(rejection.ToString()));
                    }
                },
                cancellationToken);
            await router.FlushAsync();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Whatever was routed before the failure stays applied; the object is recorded as failed.
            await router.FlushAsync();
            LogObjectFailed(logger, exception, LogText.Escape(logObject.Key));
            return (Outcome(tenantId, logObject, ObjectKind.CloudTrail, startedAt, router.Totals, exception.Message), router.NewestEventTime);
        }

        if (rejectionsLogged > options.MaxRejectionsLogged)
        {
            LogMoreRejections(logger, rejectionsLogged - options.MaxRejectionsLogged, LogText.Escape(logObject.Key));
        }

        if (summary.Kind == ObjectKind.CloudTrailDigest)
        {
            LogObjectSkipped(logger, LogText.Escape(logObject.Key), summary.Kind);
        }
        else if (summary.Error is not null)
        {
            LogObjectError(logger, LogText.Escape(summary.Error));
        }

        var totals = router.Totals with { Rejected = summary.RecordsRejected };
        var error = summary.Kind == ObjectKind.CloudTrailDigest ? null : summary.Error;
        return (Outcome(tenantId, logObject, summary.Kind, startedAt, totals, error), router.NewestEventTime);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Object {ObjectKey} is a {Kind} object, not a log file; recorded as skipped")]
    private static partial void LogObjectSkipped(ILogger logger, string objectKey, ObjectKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record rejected: {Rejection}")]
    private static partial void LogRecordRejected(ILogger logger, string rejection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} more records of {ObjectKey} were rejected; see the object ledger for the total")]
    private static partial void LogMoreRejections(ILogger logger, int count, string objectKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading object {ObjectKey} failed; the records read before the failure were applied")]
    private static partial void LogObjectFailed(ILogger logger, Exception exception, string objectKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Object stopped early: {Error}")]
    private static partial void LogObjectError(ILogger logger, string error);

    /// <summary>Buffers events per principal and sends a chunk once enough events are buffered.</summary>
    private sealed class ChunkRouter(IGrainFactory grains, string tenantId, string objectKey, int chunkSize)
    {
        private readonly Dictionary<string, List<CloudTrailEvent>> pending = new(StringComparer.Ordinal);
        private int buffered;
        private int chunkIndex;

        public RoutingTotals Totals { get; private set; } = new();

        public DateTimeOffset? NewestEventTime { get; private set; }

        public async ValueTask AddAsync(IReadOnlyList<CloudTrailEvent> events)
        {
            foreach (var record in events)
            {
                var key = PrincipalKey.For(record);
                if (!pending.TryGetValue(key, out var list))
                {
                    list = [];
                    pending[key] = list;
                }

                list.Add(record);
                buffered++;
                if (NewestEventTime is null || record.EventTime > NewestEventTime)
                {
                    NewestEventTime = record.EventTime;
                }

                if (buffered >= chunkSize)
                {
                    await FlushAsync();
                }
            }
        }

        public async Task FlushAsync()
        {
            if (buffered == 0)
            {
                return;
            }

            var calls = new List<Task<BatchResult>>(pending.Count);
            foreach (var (principalKey, list) in pending)
            {
                var grain = grains.GetGrain<IPrincipalGrain>(PrincipalKey.GrainKey(tenantId, principalKey));
                calls.Add(grain.ApplyCloudTrailAsync(new CloudTrailBatch(tenantId, objectKey, chunkIndex, list)));
            }

            var results = await Task.WhenAll(calls);
            pending.Clear();
            buffered = 0;
            chunkIndex++;
            foreach (var result in results)
            {
                Totals = Totals with
                {
                    Read = Totals.Read + result.Applied + result.Duplicates,
                    Duplicates = Totals.Duplicates + result.Duplicates,
                    Findings = Totals.Findings + result.FindingsRaised,
                };
            }
        }
    }

    private sealed record RoutingTotals(long Read = 0, long Rejected = 0, long Duplicates = 0, long Findings = 0);
}

/// <summary>Totals over the objects of one folder pass.</summary>
public sealed class FolderIngestSummary
{
    /// <summary>Objects read in this pass, including failed ones and those that were not log files.</summary>
    public int ObjectsRead { get; set; }

    /// <summary>Objects not read: already done, or failed earlier and not yet due for another attempt.</summary>
    public int ObjectsSkipped { get; set; }

    public int ObjectsFailed { get; set; }

    /// <summary>Objects whose name or content showed they are not CloudTrail logs (digests counted apart).</summary>
    public int ObjectsNotLogs { get; set; }

    public int DigestObjects { get; set; }

    public long RecordsRead { get; set; }

    public long RecordsRejected { get; set; }

    public long DuplicatesDropped { get; set; }

    /// <summary>Finding occurrences raised; the findings they aggregate into may be fewer.</summary>
    public long FindingsRaised { get; set; }

    public void Add(ObjectRecord record)
    {
        ObjectsRead++;
        if (record.Error is not null)
        {
            ObjectsFailed++;
        }
        else if (record.Kind == ObjectKind.Unknown)
        {
            ObjectsNotLogs++;
        }
        else if (record.Kind == ObjectKind.CloudTrailDigest)
        {
            DigestObjects++;
        }

        RecordsRead += record.RecordsRead;
        RecordsRejected += record.RecordsRejected;
        DuplicatesDropped += record.DuplicatesDropped;
        FindingsRaised += record.FindingsRaised;
    }

    /// <summary>Returns a one-line account of the pass for people, without a final full stop.</summary>
    public string Describe() =>
        $"Read {Count(RecordsRead, "record")} from {Count(ObjectsRead, "object")} " +
        $"({ObjectsSkipped} skipped as done or waiting for a retry, {ObjectsFailed} failed, " +
        $"{ObjectsNotLogs} not log files, {Count(DigestObjects, "digest")}); " +
        $"{RecordsRejected} rejected, {DuplicatesDropped} duplicates dropped, {Count(FindingsRaised, "finding occurrence")}";

    private static string Count(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
