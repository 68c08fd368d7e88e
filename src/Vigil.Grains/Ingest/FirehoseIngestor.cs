using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection;
using Vigil.Detection.Network;
using Vigil.Grains.Diagnostics;
using Vigil.Ingestion.Firehose;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Grains.Ingest;

/// <summary>
/// Applies one Amazon Data Firehose delivery request of a Firehose source: decodes its records
/// (CloudWatch Logs subscription payloads or plain log lines), parses each log event, rejects
/// events of accounts not registered to the source, and routes the rest in chunks to their grains.
/// </summary>
/// <remarks>
/// The chunk keys derive from the source id and the request id (<c>firehose/source/request</c>)
/// and the chunks are cut the same way on every attempt, so grains drop the chunks of a retried
/// request that they already applied. The request is recorded in the object ledger under the same
/// key with a fingerprint of its body only after every chunk was applied and its findings stored.
/// A retry of a request recorded as done returns at once, without applying anything or adding to the
/// source's counters.
/// </remarks>
public sealed partial class FirehoseIngestor(
    IGrainFactory grains,
    IObjectLedger ledger,
    ISourceStore sources,
    FirehoseLimits limits,
    IngestOptions options,
    VigilInstruments instruments,
    TimeProvider clock,
    ILogger<FirehoseIngestor> logger)
{
    /// <summary>Longest request id accepted (Firehose sends a GUID).</summary>
    public const int MaxRequestIdLength = 256;

    private readonly FirehoseLimits limits = limits.Validate();

    // Concurrent requests share grain calls: a window is sent when no request is being decoded any more.
    private readonly GrainCallWindows windows = new(
        key => grains.GetGrain<IPrincipalGrain>(key),
        key => grains.GetGrain<IEndpointGrain>(key),
        options,
        clock,
        instruments);

    private IngestOptions Options { get; } = options;

    private VigilInstruments Instruments { get; } = instruments;

    /// <summary>Applies a request body (already without Content-Encoding) for <paramref name="source"/>.</summary>
    public async Task<FirehoseIngestResult> IngestAsync(SourceDefinition source, string? headerRequestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var activity = VigilInstruments.ActivitySource.StartActivity("ingest firehose request");
        activity?.SetTag("vigil.tenant", source.TenantId);
        activity?.SetTag("vigil.source", source.Id.ToString());

        var startedAt = clock.GetUtcNow();
        var requestId = headerRequestId ?? "";
        FirehoseRequestBody request;
        try
        {
            request = FirehoseRequestBody.Parse(body.Span, limits);
            requestId = request.RequestId;
            if (headerRequestId is not null && headerRequestId != request.RequestId)
            {
                throw new FirehoseRequestException("the requestId of the body differs from the X-Amz-Firehose-Request-Id header");
            }

            if (request.RequestId.Length > MaxRequestIdLength)
            {
                throw new FirehoseRequestException($"the requestId is longer than {MaxRequestIdLength} characters");
            }
        }
        catch (FirehoseRequestException exception)
        {
            var status = exception is FirehoseRequestTooLargeException ? FirehoseIngestStatus.RequestTooLarge : FirehoseIngestStatus.InvalidRequest;
            return await FailAsync(source, Bounded(requestId), status, "invalid request: " + exception.Message, cancellationToken);
        }

        activity?.SetTag("vigil.firehose.request_id", requestId);
        if (!FlowLineFormat.TryParse(source.FlowLogFormat, out var flowFormat, out var formatError))
        {
            return await FailAsync(source, requestId, FirehoseIngestStatus.Failed, $"the source's flow log format is invalid: {formatError}; correct it in the source settings", cancellationToken);
        }

        var objectKey = $"firehose/{source.Id:N}/{requestId}";
        var fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body.Span))[..32];
        var decision = await ledger.DecideAsync(source.TenantId, objectKey, fingerprint, startedAt, cancellationToken);
        if (decision == ObjectReadDecision.AlreadyDone)
        {
            LogAlreadyApplied(logger, LogText.Escape(requestId), source.Id);
            return new FirehoseIngestResult { Status = FirehoseIngestStatus.AlreadyApplied, RequestId = requestId };
        }

        var run = new RequestRun(this, source, objectKey, new LogMessageParser(flowFormat));
        try
        {
            await run.ApplyAsync(request, startedAt);
        }
        catch (FirehoseRequestTooLargeException exception)
        {
            return await FailAsync(source, requestId, FirehoseIngestStatus.RequestTooLarge, "invalid request: " + exception.Message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogApplyFailed(logger, exception, LogText.Escape(requestId), source.Id);
            await ledger.RecordAsync(run.Outcome(source.TenantId, fingerprint, startedAt, clock.GetUtcNow(), "applying the records failed: " + exception.Message), cancellationToken);
            return await FailAsync(source, requestId, FirehoseIngestStatus.Failed, "applying the records failed; Firehose retries the request", cancellationToken);
        }

        var record = run.Outcome(source.TenantId, fingerprint, startedAt, clock.GetUtcNow(), null);
        await ledger.RecordAsync(record, cancellationToken);
        Instruments.RecordObject(record, run.NewestEventTime);

        var result = run.Result(requestId);
        foreach (var rejection in result.Rejections)
        {
            LogRecordRejected(logger, LogText.Escape(requestId), LogText.Escape(rejection.ToString()));
        }

        await sources.RecordProgressAsync(new SourceProgress
        {
            TenantId = source.TenantId,
            SourceId = source.Id,
            ObjectsRead = 1,
            RecordsRead = result.RecordsApplied,
            RecordsRejected = result.RecordsRejected,
            RecordsFromUnregisteredAccounts = result.RecordsFromUnregisteredAccounts,
            NewestEventTime = run.NewestEventTime,
            Error = RejectionSummary(requestId, result),
            At = clock.GetUtcNow(),
        }, cancellationToken);

        activity?.SetTag("vigil.records", result.RecordsApplied);
        activity?.SetTag("vigil.findings", result.FindingsRaised);
        return result;
    }

    /// <summary>Describes the rejections of an applied request for the source's last error, or returns null when there were none.</summary>
    private static string? RejectionSummary(string requestId, FirehoseIngestResult result)
    {
        if (result.RecordsRejected == 0)
        {
            return null;
        }

        var first = result.Rejections.Count > 0 ? $"; first: {result.Rejections[0]}" : "";
        return $"request {Bounded(requestId)}: {result.RecordsRejected} records rejected ({result.RecordsFromUnregisteredAccounts} from accounts not registered to the source){first}";
    }

    private async Task<FirehoseIngestResult> FailAsync(SourceDefinition source, string requestId, FirehoseIngestStatus status, string error, CancellationToken cancellationToken)
    {
        LogRequestFailed(logger, LogText.Escape(requestId), source.Id, status, LogText.Escape(error));
        await sources.RecordProgressAsync(new SourceProgress
        {
            TenantId = source.TenantId,
            SourceId = source.Id,
            ObjectsFailed = 1,
            Error = $"request {requestId}: {error}",
            At = clock.GetUtcNow(),
        }, cancellationToken);
        return new FirehoseIngestResult { Status = status, RequestId = requestId, Error = error };
    }

    private static string Bounded(string text) => text.Length <= MaxRequestIdLength ? text : text[..MaxRequestIdLength] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Firehose request {RequestId} of source {SourceId} was applied before; returned success without applying it again")]
    private static partial void LogAlreadyApplied(ILogger logger, string requestId, Guid sourceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firehose request {RequestId} of source {SourceId} failed ({Status}): {Error}")]
    private static partial void LogRequestFailed(ILogger logger, string requestId, Guid sourceId, FirehoseIngestStatus status, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying Firehose request {RequestId} of source {SourceId} failed")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string requestId, Guid sourceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firehose request {RequestId}: {Rejection}")]
    private static partial void LogRecordRejected(ILogger logger, string requestId, string rejection);

    /// <summary>The state of one request while its records are decoded and routed.</summary>
    private sealed class RequestRun(FirehoseIngestor owner, SourceDefinition source, string objectKey, LogMessageParser parser)
    {
        private readonly HashSet<string> accounts = new(source.AccountIds, StringComparer.Ordinal);
        private readonly List<FirehoseRejection> rejections = [];
        private readonly GrainRouters routers = new(source.TenantId, objectKey, owner.windows, owner.Options.ChunkSize);

        private long rejected;
        private long unregistered;
        private long controlMessages;
        private long decompressedBytes;

        public DateTimeOffset? NewestEventTime => routers.NewestEventTime;

        private RoutingTotals Totals => routers.Totals;

        public async Task ApplyAsync(FirehoseRequestBody request, DateTimeOffset ingestTime)
        {
            using (owner.windows.BeginRead())
            {
                await RouteAsync(request, ingestTime);
            }

            await routers.CompleteAsync();
        }

        private async Task RouteAsync(FirehoseRequestBody request, DateTimeOffset ingestTime)
        {
            foreach (var record in request.Records)
            {
                if (record.Data is null)
                {
                    Reject(record.Index, null, null, record.Error ?? "the record has no data");
                    continue;
                }

                var decoded = FirehoseRecordDecoder.Decode(record.Data, owner.limits);
                decompressedBytes += decoded.DecompressedBytes;
                if (decompressedBytes > owner.limits.MaxDecompressedBytes)
                {
                    throw new FirehoseRequestTooLargeException($"the records decompress to more than the limit of {owner.limits.MaxDecompressedBytes} bytes");
                }

                await ApplyRecordAsync(record.Index, decoded, ingestTime);
            }

            await routers.FlushAsync();
        }

        public ObjectRecord Outcome(string tenantId, string fingerprint, DateTimeOffset startedAt, DateTimeOffset finishedAt, string? error)
        {
            var totals = Totals;
            return new ObjectRecord
            {
                TenantId = tenantId,
                ObjectKey = objectKey,
                Fingerprint = fingerprint,
                Kind = routers.Kind,
                RecordsRead = totals.Read,
                RecordsRejected = rejected,
                DuplicatesDropped = totals.Duplicates,
                FindingsRaised = totals.Findings,
                Error = error,
                StartedAt = startedAt,
                FinishedAt = finishedAt,
            };
        }

        public FirehoseIngestResult Result(string requestId)
        {
            var totals = Totals;
            return new FirehoseIngestResult
            {
                Status = FirehoseIngestStatus.Applied,
                RequestId = requestId,
                RecordsApplied = totals.Read - totals.Duplicates,
                RecordsRejected = rejected,
                RecordsFromUnregisteredAccounts = unregistered,
                Duplicates = totals.Duplicates,
                FindingsRaised = totals.Findings,
                ControlMessages = controlMessages,
                Rejections = rejections,
            };
        }

        private async Task ApplyRecordAsync(int recordIndex, DecodedFirehoseRecord decoded, DateTimeOffset ingestTime)
        {
            switch (decoded.Kind)
            {
                case FirehoseRecordKind.Invalid:
                    Reject(recordIndex, null, null, decoded.Error!);
                    return;

                case FirehoseRecordKind.ControlMessage:
                    controlMessages++;
                    return;

                case FirehoseRecordKind.DataMessage when !accounts.Contains(decoded.Owner!):
                    // The whole payload belongs to an account the source does not deliver for this tenant.
                    unregistered += decoded.Events.Count;
                    rejected += decoded.Events.Count;
                    Note(new FirehoseRejection(recordIndex, null, "owner", $"account {Bounded(decoded.Owner!)} is not registered to the source; its {decoded.Events.Count} log events were rejected"));
                    return;
            }

            foreach (var logEvent in decoded.Events)
            {
                if (logEvent.Message is null)
                {
                    Reject(recordIndex, logEvent.Index, null, logEvent.Error ?? "the log event has no message");
                    continue;
                }

                var parsed = parser.Parse(logEvent.Message, ingestTime);
                if (parsed.Error is not null)
                {
                    Reject(recordIndex, logEvent.Index, parsed.Error.Field, parsed.Error.Reason);
                    continue;
                }

                await RouteAsync(recordIndex, logEvent.Index, parsed, decoded.Owner);
            }
        }

        /// <summary>
        /// Fills in the owner account where the record names none, checks the record's own account
        /// against the source's accounts, and hands the record to its router.
        /// </summary>
        private async ValueTask RouteAsync(int recordIndex, int eventIndex, ParsedLogMessage parsed, string? ownerAccount)
        {
            if (parsed.CloudTrail is { } cloudTrailEvent)
            {
                var completed = cloudTrailEvent.RecipientAccountId is null && ownerAccount is not null ? cloudTrailEvent with { RecipientAccountId = ownerAccount } : cloudTrailEvent;
                if (CheckAccount(recordIndex, eventIndex, "recipientAccountId", completed.AccountId))
                {
                    await routers.AddCloudTrailAsync([completed]);
                }
            }
            else if (parsed.Flow is { } flow)
            {
                var completed = flow.AccountId is null or "unknown" && ownerAccount is not null ? flow with { AccountId = ownerAccount } : flow;
                if (CheckAccount(recordIndex, eventIndex, "account-id", completed.AccountId))
                {
                    await routers.AddFlowsAsync([completed]);
                }
            }
            else if (parsed.Query is { } query)
            {
                var completed = query.AccountId is null && ownerAccount is not null ? query with { AccountId = ownerAccount } : query;
                if (CheckAccount(recordIndex, eventIndex, "account_id", completed.AccountId))
                {
                    await routers.AddQueriesAsync([completed]);
                }
            }
        }

        private bool CheckAccount(int recordIndex, int eventIndex, string field, string? accountId)
        {
            if (accountId is null or "unknown")
            {
                Reject(recordIndex, eventIndex, field, "the record names no account, and it did not come in a CloudWatch Logs payload whose owner could stand in");
                return false;
            }

            if (!accounts.Contains(accountId))
            {
                unregistered++;
                Reject(recordIndex, eventIndex, field, $"account {Bounded(accountId)} is not registered to the source");
                return false;
            }

            return true;
        }

        private void Reject(int recordIndex, int? eventIndex, string? field, string reason)
        {
            rejected++;
            Note(new FirehoseRejection(recordIndex, eventIndex, field, reason));
        }

        private void Note(FirehoseRejection rejection)
        {
            if (rejections.Count < owner.Options.MaxRejectionsLogged)
            {
                rejections.Add(rejection);
            }
        }
    }
}
