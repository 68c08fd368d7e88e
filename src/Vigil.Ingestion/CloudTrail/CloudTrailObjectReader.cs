using System.Buffers;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;

namespace Vigil.Ingestion.CloudTrail;

/// <summary>
/// Streams the records of one CloudTrail log object (the decompressed content of a delivered file)
/// with <see cref="Utf8JsonReader"/>, holding at most one record and one read buffer in memory.
/// A bad record is reported with its position and skipped. Invalid JSON stops the object at that
/// point, and every record read before it is kept. Digest files are recognised by their fields.
/// </summary>
/// <remarks>
/// The raw JSON of each event is a slice of the read buffer, not a copy. A buffer that events slice
/// is never written again. The next fill goes into a new buffer, and only the record cut by the old
/// buffer's end is copied over. So an event keeps its whole buffer alive, shared with the records
/// around it. That is 64 KiB, or more for a buffer grown to hold a longer record, and the last fill
/// of an object is copied into an array of its own length. A consumer that keeps a few events out
/// of many for long keeps up to one buffer per event, and should copy <see cref="CloudTrailEvent.RawJson"/> instead.
/// </remarks>
public sealed class CloudTrailObjectReader(CloudTrailReaderOptions options)
{
    // Kept below 85,000 bytes, the size from which arrays go on the large object heap. Events keep
    // the buffers they slice alive, and only a full collection frees an array on that heap.
    private const int InitialBufferSize = 64 * 1024;

    public CloudTrailObjectReader()
        : this(CloudTrailReaderOptions.Default)
    {
    }

    /// <summary>
    /// Reads every record of <paramref name="utf8Json"/> and hands the events to <paramref name="onEvents"/>
    /// in the order of the file, a buffer's worth at a time.
    /// </summary>
    public async Task<CloudTrailObjectSummary> ReadAsync(
        Stream utf8Json,
        string objectName,
        DateTimeOffset ingestTime,
        Func<IReadOnlyList<CloudTrailEvent>, ValueTask> onEvents,
        Action<RecordRejection> onRejected,
        CancellationToken cancellationToken)
    {
        var scan = new ScanState(objectName, ingestTime, options);
        // Every buffer but the last one of an object comes from the pool. One that events slice is
        // left to the garbage collector; every other goes back to the pool.
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var bufferIsRented = true;
        var length = 0;
        var final = false;
        try
        {
            while (true)
            {
                if (!final && length < buffer.Length)
                {
                    var read = await utf8Json.ReadAsync(buffer.AsMemory(length), cancellationToken);
                    length += read;
                    final = read == 0;
                    if (!final && length < buffer.Length)
                    {
                        continue;
                    }
                }

                if (final && length < buffer.Length)
                {
                    // The last fill of the object moves to an array of its own length, so that events do
                    // not keep the unused end of the buffer alive. This copies at most one buffer per object.
                    var exact = GC.AllocateUninitializedArray<byte>(length);
                    buffer.AsSpan(0, length).CopyTo(exact);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = exact;
                    bufferIsRented = false;
                }

                // Sized for as many events as the last buffer gave, so the list rarely grows.
                var events = new List<CloudTrailEvent>(scan.LastEventCount);
                var consumed = Scan(buffer, length, final, scan, events, onRejected);
                scan.LastEventCount = events.Count;
                if (events.Count > 0)
                {
                    await onEvents(events);
                }

                if (scan.Finished)
                {
                    break;
                }

                if (final)
                {
                    var reason = scan.Phase == ScanPhase.Start ? "the object is empty" : "the JSON ends before the top-level object closes";
                    scan.Fail(scan.BytesBefore + consumed, scan.LineAt(buffer.AsSpan(0, consumed)), reason);
                    break;
                }

                scan.Advance(buffer.AsSpan(0, consumed));
                if (consumed == 0 && length == buffer.Length)
                {
                    buffer = Grow(buffer, length, scan);
                    if (scan.Finished)
                    {
                        break;
                    }
                }
                else
                {
                    buffer = KeepUnconsumed(buffer, consumed, length, scan);
                    length -= consumed;
                }
            }
        }
        finally
        {
            if (bufferIsRented && !scan.BufferShared)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return scan.Summary();
    }

    private byte[] Grow(byte[] buffer, int length, ScanState scan)
    {
        // The buffer holds only part of one record (or, while discarding, of one token). Records up to
        // MaxRecordBytes are buffered whole; beyond that ReadRecord switches to discarding.
        var limit = (long)options.MaxRecordBytes * 2;
        if (buffer.Length >= limit)
        {
            scan.Fail(scan.BytesBefore, scan.LineAt([]), $"a single JSON token is larger than {limit} bytes");
            return buffer;
        }

        // Nothing was consumed from this buffer, so no event slices it.
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, buffer.Length * 2L));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>
    /// Moves the bytes after <paramref name="consumed"/> to the front of a buffer for the next fill.
    /// That is the same buffer when no event slices it, else a new one from the pool.
    /// </summary>
    private static byte[] KeepUnconsumed(byte[] buffer, int consumed, int length, ScanState scan)
    {
        var unconsumed = buffer.AsSpan(consumed, length - consumed);
        if (!scan.BufferShared)
        {
            unconsumed.CopyTo(buffer);
            return buffer;
        }

        // Back to the initial size after a grown buffer, unless the cut record needs more room.
        var next = ArrayPool<byte>.Shared.Rent(unconsumed.Length < InitialBufferSize ? InitialBufferSize : buffer.Length);
        unconsumed.CopyTo(next);
        scan.BufferShared = false;
        return next;
    }

    /// <summary>
    /// Consumes complete tokens and records from the first <paramref name="length"/> bytes of
    /// <paramref name="buffer"/>. Returns the number of bytes consumed.
    /// </summary>
    private static int Scan(byte[] buffer, int length, bool final, ScanState scan, List<CloudTrailEvent> events, Action<RecordRejection> onRejected)
    {
        // The reader starts at scan.Offset of data; after records read without it, a new one starts
        // where they end.
        ReadOnlySpan<byte> data = buffer.AsSpan(0, length);
        scan.Buffer = buffer;
        scan.Offset = 0;
        scan.Final = final;
        var reader = new Utf8JsonReader(data, final, scan.ReaderState);
        scan.Cache = Utf8StringCache.ForCurrentThread;
        var consumed = 0;
        try
        {
            while (!scan.Finished)
            {
                var stateBefore = reader.CurrentState;
                var startBefore = scan.Offset + (int)reader.BytesConsumed;
                if (!reader.Read())
                {
                    break;
                }

                var step = scan.Discarding
                    ? scan.DiscardToken(ref reader, onRejected)
                    : scan.Phase switch
                    {
                        ScanPhase.Start => scan.ReadStart(ref reader, data),
                        ScanPhase.TopLevel => scan.ReadTopLevel(ref reader),
                        ScanPhase.Records => scan.ReadRecord(ref reader, data, events, onRejected),
                        _ => StepResult.Continue,
                    };

                if (step == StepResult.NeedMoreData)
                {
                    scan.ReaderState = stateBefore;
                    return startBefore;
                }

                if (step == StepResult.Resume)
                {
                    scan.ReaderState = scan.AfterRecord;
                    reader = new Utf8JsonReader(data[scan.Offset..], final, scan.AfterRecord);
                    consumed = scan.Offset;
                    continue;
                }

                consumed = scan.Offset + (int)reader.BytesConsumed;
                scan.ReaderState = reader.CurrentState;
            }
        }
        catch (JsonException exception)
        {
            var position = (int)Math.Min(scan.Offset + reader.BytesConsumed, data.Length);
            scan.Fail(scan.BytesBefore + position, scan.LineAt(data[..position]), $"invalid JSON: {JsonErrors.WithoutPosition(exception)}");
        }

        return consumed;
    }

    internal enum ScanPhase
    {
        Start,
        TopLevel,
        Records,
        Done,
    }

    internal enum StepResult
    {
        Continue,
        NeedMoreData,

        /// <summary>Records were read without the reader; it resumes at <c>ScanState.Offset</c>.</summary>
        Resume,
    }

    /// <summary>Position, phase and counters of one object scan, kept across buffer refills.</summary>
    private sealed class ScanState(string objectName, DateTimeOffset ingestTime, CloudTrailReaderOptions options)
    {
        private long lineBase = 1;
        private long recordIndex;
        private long recordsRead;
        private long recordsRejected;
        private bool sawRecords;
        private bool sawDigestField;
        private string? error;
        private int discardDepth;
        private long discardStart;
        private long discardLine;
        private readonly CloudTrailRecordParser.RecordFields fields = new();
        private JsonReaderState? afterRecord;

        /// <summary>The string cache of the thread that runs the current <see cref="Scan"/>, which is synchronous.</summary>
        public Utf8StringCache Cache { get; set; } = null!;

        public JsonReaderState ReaderState { get; set; } = new(new JsonReaderOptions { MaxDepth = options.MaxDepth });

        /// <summary>Where in the current data the reader started.</summary>
        public int Offset { get; set; }

        /// <summary>Whether the current data ends the object.</summary>
        public bool Final { get; set; }

        /// <summary>
        /// The array that the current data starts at. Accepted records keep slices of it as their raw
        /// JSON, and the plain scanner's records also for their request id, access key and user name.
        /// </summary>
        public byte[] Buffer { get; set; } = [];

        /// <summary>Whether an event slices <see cref="Buffer"/>, so that the buffer must not be written again.</summary>
        public bool BufferShared { get; set; }

        /// <summary>The reader's state just after a record in the <c>Records</c> array, where it resumes after plain records.</summary>
        /// <remarks>Made on first use, because a depth limit below the record's own depth makes the reader throw here.</remarks>
        public JsonReaderState AfterRecord => afterRecord ??= StateAfterRecord(options.MaxDepth);

        public ScanPhase Phase { get; private set; } = ScanPhase.Start;

        public bool Finished { get; private set; }

        public bool Discarding { get; private set; }

        public long BytesBefore { get; private set; }

        /// <summary>The number of events that the last buffer gave.</summary>
        public int LastEventCount { get; set; }

        public void Advance(ReadOnlySpan<byte> consumed)
        {
            lineBase += consumed.Count((byte)'\n');
            BytesBefore += consumed.Length;
        }

        public long LineAt(ReadOnlySpan<byte> prefix) => lineBase + prefix.Count((byte)'\n');

        public void Fail(long byteOffset, long line, string reason)
        {
            error = $"{objectName}: line {line} (byte {byteOffset}): {reason}";
            Finished = true;
        }

        public StepResult ReadStart(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var at = Offset + (int)reader.TokenStartIndex;
                Fail(BytesBefore + at, LineAt(data[..at]), "the file is not a JSON object");
                return StepResult.Continue;
            }

            Phase = ScanPhase.TopLevel;
            return StepResult.Continue;
        }

        public StepResult ReadTopLevel(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                Phase = ScanPhase.Done;
                Finished = true;
                return StepResult.Continue;
            }

            var name = CloudTrailRecordParser.GetStringOrRawText(ref reader);
            if (!reader.Read())
            {
                return StepResult.NeedMoreData;
            }

            if (name == "Records" && reader.TokenType == JsonTokenType.StartArray)
            {
                sawRecords = true;
                Phase = ScanPhase.Records;
                return StepResult.Continue;
            }

            if (name is "digestPublicKeyFingerprint" or "digestSignatureAlgorithm" or "digestStartTime" or "logFiles")
            {
                sawDigestField = true;
            }

            return reader.TrySkip() ? StepResult.Continue : StepResult.NeedMoreData;
        }

        public StepResult ReadRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, List<CloudTrailEvent> events, Action<RecordRejection> onRejected)
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                Phase = ScanPhase.TopLevel;
                return StepResult.Continue;
            }

            var start = Offset + (int)reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                if (!reader.TrySkip())
                {
                    return StepResult.NeedMoreData;
                }

                Reject(onRejected, start, LineAt(data[..start]), null, $"the record is a JSON {Describe(reader.TokenType)}, not an object");
                return StepResult.Continue;
            }

            if (options.ScanPlainRecords)
            {
                var plain = ReadPlainRecords(data, start, events, onRejected);
                if (plain != StepResult.Continue)
                {
                    return plain;
                }
            }

            // The record is parsed in the same pass that finds its end. When the buffer ends inside it,
            // the reader goes back to its start, and the record is read again after the next refill.
            var depth = reader.CurrentDepth;
            var recordStart = reader;
            if (!CloudTrailRecordParser.TryReadRecord(ref reader, data[Offset..], fields, options, Cache))
            {
                reader = recordStart;
                if (data.Length - start >= options.MaxRecordBytes)
                {
                    // Too large to keep: walk past it token by token instead of buffering it.
                    Discarding = true;
                    discardDepth = depth;
                    discardStart = BytesBefore + start;
                    discardLine = LineAt(data[..start]);
                    return StepResult.Continue;
                }

                return StepResult.NeedMoreData;
            }

            Accept(data, start, Offset + (int)reader.BytesConsumed, events, onRejected);
            return StepResult.Continue;
        }

        /// <summary>
        /// Reads the record at <paramref name="start"/> and the records that follow it with
        /// <see cref="PlainRecordScanner"/> for as long as they are plain. Returns
        /// <see cref="StepResult.Continue"/> when the first record is not plain, so the general parser
        /// reads it, and <see cref="StepResult.Resume"/> with <see cref="Offset"/> after the last
        /// record read.
        /// </summary>
        private StepResult ReadPlainRecords(ReadOnlySpan<byte> data, int start, List<CloudTrailEvent> events, Action<RecordRejection> onRejected)
        {
            var outcome = PlainRecordScanner.TryRead(data, start, Final, fields, options, Cache, out var end, Buffer);
            if (outcome != PlainRecordScanner.Outcome.Read)
            {
                return outcome == PlainRecordScanner.Outcome.NeedMoreData ? StepResult.NeedMoreData : StepResult.Continue;
            }

            while (true)
            {
                Accept(data, start, end, events, onRejected);
                Offset = end;

                // The next record, when a comma and its brace follow at once; anything else goes
                // back to the reader, which also checks the array's syntax.
                start = end + 1;
                if (start + 1 >= data.Length || data[end] != (byte)',' || data[start] != (byte)'{'
                    || PlainRecordScanner.TryRead(data, start, Final, fields, options, Cache, out end, Buffer) != PlainRecordScanner.Outcome.Read)
                {
                    return StepResult.Resume;
                }
            }
        }

        /// <summary>Builds the event of the record between <paramref name="start"/> and <paramref name="end"/> from <see cref="fields"/>, or rejects it.</summary>
        private void Accept(ReadOnlySpan<byte> data, int start, int end, List<CloudTrailEvent> events, Action<RecordRejection> onRejected)
        {
            var record = data[start..end];
            if (record.Length > options.MaxRecordBytes)
            {
                // The record fitted in the buffer, so the discarding path above never saw it.
                Reject(onRejected, start, LineAt(data[..start]), null, $"the record is {record.Length} bytes, more than the limit of {options.MaxRecordBytes}");
                return;
            }

            var parsed = CloudTrailRecordParser.Build(fields, Buffer.AsMemory(start, end - start), ingestTime, out var recordError);
            if (parsed is null)
            {
                Reject(onRejected, start, LineAt(data[..start]), recordError?.Field, recordError?.Reason ?? "unreadable record");
                return;
            }

            BufferShared = true;
            recordIndex++;
            recordsRead++;
            events.Add(parsed);
        }

        public StepResult DiscardToken(ref Utf8JsonReader reader, Action<RecordRejection> onRejected)
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == discardDepth)
            {
                Discarding = false;
                var size = BytesBefore + Offset + reader.BytesConsumed - discardStart;
                recordIndex++;
                recordsRejected++;
                onRejected(new RecordRejection(objectName, recordIndex - 1, discardLine, discardStart, null, $"the record is {size} bytes, more than the limit of {options.MaxRecordBytes}"));
            }

            return StepResult.Continue;
        }

        public CloudTrailObjectSummary Summary()
        {
            var kind = ObjectKind.Unknown;
            if (sawRecords)
            {
                kind = ObjectKind.CloudTrail;
            }
            else if (sawDigestField)
            {
                kind = ObjectKind.CloudTrailDigest;
            }

            var summaryError = error;
            if (summaryError is null && kind == ObjectKind.Unknown)
            {
                summaryError = $"{objectName}: the object has no Records array and is not a CloudTrail digest";
            }

            return new CloudTrailObjectSummary(kind, recordsRead, recordsRejected, summaryError);
        }

        private static JsonReaderState StateAfterRecord(int maxDepth)
        {
            var reader = new Utf8JsonReader("{\"Records\":[{}"u8, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = maxDepth }));
            while (reader.Read())
            {
            }

            return reader.CurrentState;
        }

        private void Reject(Action<RecordRejection> onRejected, int start, long line, string? field, string reason)
        {
            recordIndex++;
            recordsRejected++;
            onRejected(new RecordRejection(objectName, recordIndex - 1, line, BytesBefore + start, field, reason));
        }

        private static string Describe(JsonTokenType type) => type switch
        {
            JsonTokenType.StartArray => "array",
            JsonTokenType.String => "string",
            JsonTokenType.Number => "number",
            JsonTokenType.True or JsonTokenType.False => "boolean",
            JsonTokenType.Null => "null",
            _ => type.ToString(),
        };
    }
}

/// <summary>What one object turned out to be and how many of its records were read and rejected.</summary>
public sealed record CloudTrailObjectSummary(ObjectKind Kind, long RecordsRead, long RecordsRejected, string? Error);

/// <summary>
/// A record that was not accepted: the object, the record's index in <c>Records</c>, its line and
/// byte offset in the decompressed object, the field at fault (null for the whole record) and why.
/// </summary>
public sealed record RecordRejection(string ObjectName, long RecordIndex, long Line, long ByteOffset, string? Field, string Reason)
{
    public override string ToString() =>
        $"{ObjectName}: line {Line}, record {RecordIndex}{(Field is null ? "" : $", field {Field}")}: {Reason}";
}
