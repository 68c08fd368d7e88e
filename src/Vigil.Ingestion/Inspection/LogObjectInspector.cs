using System.Buffers;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Objects;
using Vigil.Ingestion.Route53;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Ingestion.Inspection;

/// <summary>
/// Detects what a delivered log object is and reads it with the matching reader: CloudTrail logs,
/// digests and Insights files, VPC flow logs as text or Parquet, and Route 53 Resolver query logs,
/// plain or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>
/// The kind comes from the content: the first <see cref="LogObjectInspectorOptions.DetectionBytes"/>
/// of the decompressed object, read once and handed on to the reader, so no object is loaded whole.
/// The key decides only when the content matches no kind but the key has the layout AWS uses for one
/// (<c>CloudTrail/</c>, <c>vpcflowlogs/</c> and so on). Then that kind's reader reads the object and
/// reports what is wrong with it.
/// </para>
/// <para>
/// Invalid gzip data, a size limit and file system errors stop the object with
/// <see cref="LogObjectInspection.Error"/>, keeping the counts up to that point. An exception
/// from the records callback is not caught.
/// NOTE: GZipStream in .NET 10 ends a gzip stream that is cut off mid-member without an error, so
/// a truncated object shows only in its content, such as a cut-off last record or unclosed JSON.
/// </para>
/// </remarks>
public sealed class LogObjectInspector
{
    private const string InsightEventType = "AwsCloudTrailInsight";

    private readonly LogObjectInspectorOptions options;
    private readonly TimeProvider timeProvider;

    public LogObjectInspector()
        : this(LogObjectInspectorOptions.Default)
    {
    }

    public LogObjectInspector(LogObjectInspectorOptions options, TimeProvider? timeProvider = null)
    {
        this.options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Opens the file at <paramref name="path"/> and inspects it under <paramref name="name"/>
    /// (the path when null). A file that cannot be opened gives a result with <see cref="LogObjectInspection.Error"/>.
    /// </summary>
    public async Task<LogObjectInspection> InspectFileAsync(
        string path,
        string? name = null,
        Func<LogRecordBatch, ValueTask>? onRecords = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        name ??= path;

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new InspectionRun(name, options.MaxRejections, null).Stopped($"{name}: the file cannot be opened: {exception.Message}");
        }

        await using (file)
        {
            return await InspectAsync(file, name, onRecords, cancellationToken);
        }
    }

    /// <summary>
    /// Inspects the object in <paramref name="content"/> from its current position, under
    /// <paramref name="name"/>, its key or path. The stream is not disposed. Normalised records go to
    /// <paramref name="onRecords"/> in object order when it is given. A batch's list may be refilled
    /// once the callback's task completes (the flow log readers do so), so a caller that keeps records copies them.
    /// </summary>
    public async Task<LogObjectInspection> InspectAsync(
        Stream content,
        string name,
        Func<LogRecordBatch, ValueTask>? onRecords = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(name);

        var run = new InspectionRun(name, options.MaxRejections, onRecords);
        try
        {
            return await InspectCoreAsync(content, run, cancellationToken);
        }
        catch (InvalidDataException exception) when (!run.CallbackFailed)
        {
            // GZipStream raises this for corrupt compressed data.
            return run.Stopped($"{name}: the gzip data is invalid: {exception.Message}");
        }
        catch (Exception exception) when ((exception is IOException or UnauthorizedAccessException) && !run.CallbackFailed)
        {
            return run.Stopped($"{name}: reading stopped: {exception.Message}");
        }
    }

    private async Task<LogObjectInspection> InspectCoreAsync(Stream raw, InspectionRun run, CancellationToken cancellationToken)
    {
        var magic = await PrefixedReadStream.ReadPrefixAsync(raw, 4, cancellationToken);
        if (raw.CanSeek && magic.AsSpan().SequenceEqual("PAR1"u8))
        {
            // Parquet.Net seeks to the footer, so a seekable stream is handed over as it is.
            raw.Seek(-magic.Length, SeekOrigin.Current);
            run.Detected(new ContentDetection(LogObjectKind.VpcFlow, LogObjectFormat.Parquet));
            return await ReadParquetAsync(raw, run, cancellationToken);
        }

        run.Compression = magic is [0x1f, 0x8b, ..] ? LogObjectCompression.Gzip : LogObjectCompression.Plain;

        // A seekable stream goes back to its start, so that it needs no buffer to read the magic bytes again.
        Stream rawAgain;
        if (raw.CanSeek)
        {
            raw.Seek(-magic.Length, SeekOrigin.Current);
            rawAgain = raw;
        }
        else
        {
            rawAgain = new PrefixedReadStream(magic, raw, leaveOpen: true);
        }

        await using var decompressed = await LogObjectStream.OpenAsync(rawAgain, options.MaxDecompressedBytes, cancellationToken, leaveOpen: raw.CanSeek);

        // The prefix goes back to the pool when the reader is done, because the readers copy what they read.
        var (prefixBuffer, prefixLength) = await PrefixedReadStream.RentPrefixAsync(decompressed, options.DetectionBytes, cancellationToken);
        try
        {
            var prefix = prefixBuffer.AsMemory(0, prefixLength);
            var complete = prefixLength < options.DetectionBytes;
            var detection = LogContentDetector.Detect(prefix.Span, complete, options.VpcFlow);
            run.Detected(detection);

            // A UTF-8 byte-order mark is not part of the content: JSON readers would take it for a value.
            var content = prefix.Span.StartsWith(System.Text.Encoding.UTF8.Preamble) ? prefix[System.Text.Encoding.UTF8.Preamble.Length..] : prefix;
            await using var objectContent = new PrefixedReadStream(content, decompressed, leaveOpen: true);
            return ReaderFor(detection, LogKeyHint.FromKey(run.Name)) switch
            {
                LogObjectKind.CloudTrail => await ReadCloudTrailAsync(objectContent, run, cancellationToken),
                LogObjectKind.VpcFlow when detection.Format == LogObjectFormat.Parquet => await ReadParquetAsync(objectContent, run, cancellationToken),
                LogObjectKind.VpcFlow => await ReadFlowTextAsync(objectContent, run, cancellationToken),
                LogObjectKind.Route53ResolverQuery => await ReadQueryLogAsync(objectContent, run, cancellationToken),
                _ => run.Stopped(detection == ContentDetection.Empty
                    ? $"{run.Name}: {detection.Reason}"
                    : $"{run.Name}: the content matches no supported log kind: {detection.Reason}"),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(prefixBuffer);
        }
    }

    /// <summary>
    /// Picks the reader: the detected kind, the CloudTrail reader for a JSON object that only it
    /// can tell, or the kind of the key's AWS layout when the content matches no kind but has that kind's format.
    /// </summary>
    private static LogObjectKind ReaderFor(ContentDetection detection, LogObjectKind keyHint)
    {
        if (detection.Kind is LogObjectKind.CloudTrail or LogObjectKind.CloudTrailDigest || detection.NeedsWholeObject)
        {
            return LogObjectKind.CloudTrail;
        }

        if (detection.Kind != LogObjectKind.Unknown)
        {
            return detection.Kind;
        }

        return (keyHint, detection.Format) switch
        {
            (LogObjectKind.CloudTrail or LogObjectKind.CloudTrailDigest or LogObjectKind.CloudTrailInsights, LogObjectFormat.Json) => LogObjectKind.CloudTrail,
            (LogObjectKind.VpcFlow, LogObjectFormat.Text) => LogObjectKind.VpcFlow,
            (LogObjectKind.Route53ResolverQuery, LogObjectFormat.Json or LogObjectFormat.JsonLines) => LogObjectKind.Route53ResolverQuery,
            _ => LogObjectKind.Unknown,
        };
    }

    private async Task<LogObjectInspection> ReadCloudTrailAsync(Stream content, InspectionRun run, CancellationToken cancellationToken)
    {
        var reader = new CloudTrailObjectReader(options.CloudTrail);
        var summary = await reader.ReadAsync(
            content,
            run.Name,
            timeProvider.GetUtcNow(),
            events =>
            {
                run.InsightRecords += events.Count(IsInsight);
                return run.DeliverAsync(new CloudTrailEventBatch(events));
            },
            run.Reject,
            cancellationToken);

        var kind = summary.Kind switch
        {
            ObjectKind.CloudTrail => IsInsightsFile(summary.RecordsRead, run) ? LogObjectKind.CloudTrailInsights : LogObjectKind.CloudTrail,
            ObjectKind.CloudTrailDigest => LogObjectKind.CloudTrailDigest,
            _ => LogObjectKind.Unknown,
        };
        return run.Finished(kind, LogObjectFormat.Json, summary.RecordsRead, summary.RecordsRejected, summary.Error);
    }

    /// <summary>
    /// True when every record read is an Insights event. A file without records counts as one when
    /// its key is below <c>CloudTrail-Insight/</c>, the folder that AWS delivers Insights events to.
    /// </summary>
    private static bool IsInsightsFile(long recordsRead, InspectionRun run) =>
        recordsRead > 0
            ? run.InsightRecords == recordsRead
            : LogKeyHint.FromKey(run.Name) == LogObjectKind.CloudTrailInsights;

    private static bool IsInsight(CloudTrailEvent cloudTrailEvent) =>
        cloudTrailEvent.Insight is not null || cloudTrailEvent.EventType == InsightEventType;

    private async Task<LogObjectInspection> ReadFlowTextAsync(Stream content, InspectionRun run, CancellationToken cancellationToken)
    {
        var reader = new VpcFlowTextReader(options.VpcFlow);
        var summary = await reader.ReadAsync(
            content,
            run.Name,
            timeProvider.GetUtcNow(),
            records => run.DeliverAsync(new FlowRecordBatch(records)),
            run.Reject,
            cancellationToken);
        return run.Finished(LogObjectKind.VpcFlow, LogObjectFormat.Text, summary.RecordsRead, summary.RecordsRejected, summary.Error);
    }

    private async Task<LogObjectInspection> ReadParquetAsync(Stream content, InspectionRun run, CancellationToken cancellationToken)
    {
        var reader = new VpcFlowParquetReader(options.VpcFlow);
        var summary = await reader.ReadAsync(
            content,
            run.Name,
            timeProvider.GetUtcNow(),
            records => run.DeliverAsync(new FlowRecordBatch(records)),
            run.Reject,
            cancellationToken);
        return run.Finished(LogObjectKind.VpcFlow, LogObjectFormat.Parquet, summary.RecordsRead, summary.RecordsRejected, summary.Error);
    }

    private async Task<LogObjectInspection> ReadQueryLogAsync(Stream content, InspectionRun run, CancellationToken cancellationToken)
    {
        var reader = new Route53QueryLogReader(options.Route53);
        var summary = await reader.ReadAsync(
            content,
            run.Name,
            timeProvider.GetUtcNow(),
            records => run.DeliverAsync(new DnsQueryRecordBatch(records)),
            run.Reject,
            cancellationToken);
        return run.Finished(LogObjectKind.Route53ResolverQuery, LogObjectFormat.JsonLines, summary.RecordsRead, summary.RecordsRejected, null);
    }

    /// <summary>What one inspection has found so far, kept for the result of an object that stops early.</summary>
    private sealed class InspectionRun(string name, int maxRejections, Func<LogRecordBatch, ValueTask>? onRecords)
    {
        private readonly List<RecordRejection> rejections = [];
        private LogObjectKind kind = LogObjectKind.Unknown;
        private LogObjectFormat format = LogObjectFormat.Unknown;

        // Counted from the callbacks, for an object that stops with an exception before its reader returns a summary.
        private long recordsDelivered;
        private long rejectionsReported;

        public string Name { get; } = name;

        public LogObjectCompression Compression { get; set; } = LogObjectCompression.Plain;

        public long InsightRecords { get; set; }

        /// <summary>True once the caller's records callback has thrown, so its exception is not taken for a read error.</summary>
        public bool CallbackFailed { get; private set; }

        public void Detected(ContentDetection detection)
        {
            kind = detection.Kind;
            format = detection.Format;
        }

        public async ValueTask DeliverAsync(LogRecordBatch batch)
        {
            recordsDelivered += batch.Count;
            if (onRecords is null)
            {
                return;
            }

            try
            {
                await onRecords(batch);
            }
            catch
            {
                CallbackFailed = true;
                throw;
            }
        }

        public void Reject(RecordRejection rejection)
        {
            rejectionsReported++;
            if (rejections.Count < maxRejections)
            {
                rejections.Add(rejection);
            }
        }

        public LogObjectInspection Finished(LogObjectKind finalKind, LogObjectFormat finalFormat, long recordsRead, long recordsRejected, string? error) => new()
        {
            Name = Name,
            Kind = finalKind,
            Format = finalFormat,
            Compression = Compression,
            RecordsRead = recordsRead,
            RecordsRejected = recordsRejected,
            InsightRecords = InsightRecords,
            Rejections = rejections,
            Error = error,
        };

        public LogObjectInspection Stopped(string error) =>
            Finished(kind, format, recordsDelivered, rejectionsReported, error);
    }
}
