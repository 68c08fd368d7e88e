using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Ingestion.Route53;

/// <summary>
/// Splits the bytes of one JSON Lines object into records across buffer refills. Positions are
/// absolute byte offsets in the object, so they survive the caller moving unconsumed bytes to the
/// front of its buffer.
/// </summary>
/// <remarks>
/// A line that starts an object which is still open at the end of the line is continued on the
/// next lines, so a pretty-printed record is read too. When such a record turns out bad, only its
/// first line is rejected and reading starts again at its second line. This way a truncated line
/// never takes the good lines after it along.
/// </remarks>
internal sealed class JsonLineScanner(string objectName, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options, Action<RecordRejection> onRejected)
{
    private readonly JsonReaderOptions readerOptions = new() { MaxDepth = options.MaxDepth };
    private readonly Route53LineParser.LineMemory lineMemory = new();

    // Absolute offset of data[0] in the object, and the start and number of the next line to scan.
    private long bufferStart;
    private long lineStart;
    private long lineNumber = 1;
    private long linesSeen;

    // The record being read: it starts on recordLine and may continue over several lines.
    private bool pending;
    private long recordStart;
    private long recordLine;
    private long recordSecondLineStart;
    private long tokensEnd;
    private JsonReaderState tokenizerState;

    // A line longer than the buffer, being skipped up to its line end.
    private bool discarding;
    private long discardStart;
    private long discardLine;

    private long recordIndex;
    private long recordsRead;
    private long recordsRejected;

    /// <summary>
    /// Reads the complete lines of <paramref name="data"/> and returns how many bytes from its start
    /// the caller may drop. <paramref name="bufferFull"/> is true when the buffer is at its maximum
    /// size, so an unfinished line that fills it must be skipped.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> data, bool final, bool bufferFull, List<DnsQueryRecord> records)
    {
        while (true)
        {
            var start = Index(lineStart);
            var newline = data[start..].IndexOf((byte)'\n');
            if (discarding)
            {
                if (newline < 0 && !final)
                {
                    lineStart = bufferStart + data.Length;
                    return Consume(data.Length);
                }

                discarding = false;
                linesSeen = Math.Max(linesSeen, discardLine);
                Reject(discardLine, discardStart, null, $"the line is longer than the limit of {options.MaxLineBytes} bytes");
                if (newline < 0)
                {
                    lineStart = bufferStart + data.Length;
                    return Consume(data.Length);
                }

                AdvanceTo(start + newline + 1);
                continue;
            }

            if (newline < 0 && !final)
            {
                // A record's start is after the line's start only when it skips a byte-order mark.
                var keepFrom = pending ? Math.Min(recordStart, lineStart) : lineStart;
                if (keepFrom > bufferStart || !bufferFull)
                {
                    return Consume(Index(keepFrom));
                }

                // The buffer is at its maximum size and contains one unfinished line or record.
                if (pending && recordLine < lineNumber)
                {
                    FailRecord(FindJsonError(data) ?? $"the record spans more than the limit of {options.MaxLineBytes} bytes", start);
                    continue;
                }

                pending = false;
                discarding = true;
                discardStart = lineStart;
                discardLine = lineNumber;
                continue;
            }

            if (newline < 0 && start == data.Length)
            {
                // The end of the object, right after a line end (or the object is empty).
                if (pending)
                {
                    FailRecord("the object ends before the JSON object closes", start);
                    continue;
                }

                return Consume(data.Length);
            }

            var end = newline < 0 ? data.Length : start + newline;
            ReadLine(data, start, end, records, lastLine: newline < 0);
        }
    }

    public Route53QueryLogSummary Summary() => new(linesSeen, recordsRead, recordsRejected);

    private int Index(long position) => (int)(position - bufferStart);

    private int Consume(int count)
    {
        bufferStart += count;
        return count;
    }

    /// <summary>Reads the line in <c>data[start..end]</c> (without its line end) as a record, or as the next part of one.</summary>
    private void ReadLine(ReadOnlySpan<byte> data, int start, int end, List<DnsQueryRecord> records, bool lastLine)
    {
        var contentEnd = end > start && data[end - 1] == (byte)'\r' ? end - 1 : end;
        var next = lastLine ? end : end + 1;
        linesSeen = Math.Max(linesSeen, lineNumber);

        if (!pending)
        {
            var first = start;
            if (bufferStart + start == 0 && data[start..contentEnd].StartsWith("\uFEFF"u8))
            {
                first += 3;
            }

            var text = data[first..contentEnd];
            var indent = text.IndexOfAnyExcept(" \t"u8);
            if (indent < 0)
            {
                AdvanceTo(next);
                return;
            }

            if (contentEnd - start > options.MaxLineBytes)
            {
                Reject(lineNumber, bufferStart + start, null, $"the line is {contentEnd - start} bytes long, more than the limit of {options.MaxLineBytes}");
                AdvanceTo(next);
                return;
            }

            if (text[indent] != (byte)'{')
            {
                Reject(lineNumber, bufferStart + start, null, "the line is not a JSON object");
                AdvanceTo(next);
                return;
            }

            if (Route53LineParser.TryParse(text, ingestTime, options, lineMemory) is { } record)
            {
                Accept(record, records);
                AdvanceTo(next);
                return;
            }

            pending = true;
            recordStart = bufferStart + first;
            recordLine = lineNumber;
            recordSecondLineStart = bufferStart + next;
            tokensEnd = recordStart;
            tokenizerState = new JsonReaderState(readerOptions);
            if (TryReadWholeLine(data[first..contentEnd], records))
            {
                pending = false;
                AdvanceTo(next);
                return;
            }
        }

        ContinueRecord(data, contentEnd, next, records, lastLine);
    }

    /// <summary>
    /// Reads a record that is one whole line in a single pass, and returns true when it was accepted.
    /// A line that is not exactly one valid object, a record with a bad field and a record that goes on
    /// over the next lines return false and nothing else, and <see cref="ContinueRecord"/> then reads
    /// the line as before, with the same result and the same rejection reasons.
    /// </summary>
    private bool TryReadWholeLine(ReadOnlySpan<byte> line, List<DnsQueryRecord> records)
    {
        DnsQueryRecord? record;
        int objectEnd;
        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(readerOptions));
            reader.Read();
            record = Route53RecordParser.ReadObject(ref reader, ingestTime, options, out _);
            objectEnd = (int)reader.BytesConsumed;
        }
        catch (JsonException)
        {
            // Rare: invalid JSON, or an object that continues on the next line.
            return false;
        }

        if (record is null || line[objectEnd..].IndexOfAnyExcept(" \t"u8) >= 0)
        {
            return false;
        }

        Accept(record, records);
        return true;
    }

    private void Accept(DnsQueryRecord record, List<DnsQueryRecord> records)
    {
        recordIndex++;
        recordsRead++;
        records.Add(record);
    }

    /// <summary>Tokenises the pending record up to <paramref name="contentEnd"/>; reads it when its object closes on this line.</summary>
    private void ContinueRecord(ReadOnlySpan<byte> data, int contentEnd, int next, List<DnsQueryRecord> records, bool lastLine)
    {
        // The line itself fits in the buffer, so it is tokenised before the size check: a cut-off
        // line followed by a long one is then reported as invalid JSON, not as too large.
        var tooLarge = bufferStart + contentEnd - recordStart > options.MaxLineBytes;
        var from = Index(tokensEnd);
        int objectEnd;
        try
        {
            var reader = new Utf8JsonReader(data[from..contentEnd], isFinalBlock: false, tokenizerState);
            var closed = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    closed = true;
                    break;
                }
            }

            if (tooLarge)
            {
                FailRecord($"the record spans more than the limit of {options.MaxLineBytes} bytes", next);
                return;
            }

            if (!closed)
            {
                // The object goes on after this line; an unfinished token is read again with the next line.
                tokenizerState = reader.CurrentState;
                tokensEnd += reader.BytesConsumed;
                if (lastLine)
                {
                    FailRecord("the object ends before the JSON object closes", next);
                }
                else
                {
                    AdvanceTo(next);
                }

                return;
            }

            objectEnd = from + (int)reader.BytesConsumed;
        }
        catch (JsonException exception)
        {
            FailRecord(DescribeInvalidJson(exception), next);
            return;
        }

        if (data[objectEnd..contentEnd].IndexOfAnyExcept(" \t"u8) >= 0)
        {
            FailRecord("text follows the JSON object on the same line", next);
            return;
        }

        pending = false;
        var record = Route53RecordParser.Parse(data[Index(recordStart)..objectEnd], ingestTime, options, out var error);
        if (record is null)
        {
            Reject(recordLine, recordStart, error?.Field, error?.Reason ?? "unreadable record");
        }
        else
        {
            recordIndex++;
            recordsRead++;
            records.Add(record);
        }

        AdvanceTo(next);
    }

    /// <summary>
    /// Rejects the pending record by its first line. When the record spans several lines, scanning
    /// starts again at its second line; otherwise it goes on at <paramref name="next"/>, the index
    /// where the line after the current one starts.
    /// </summary>
    private void FailRecord(string reason, int next)
    {
        pending = false;
        Reject(recordLine, recordStart, null, reason);
        if (recordLine < lineNumber)
        {
            lineStart = recordSecondLineStart;
            lineNumber = recordLine + 1;
            return;
        }

        AdvanceTo(next);
    }

    /// <summary>
    /// Tokenises the rest of the buffer for a record too large to finish, and describes the first JSON
    /// error in it, or returns null. A cut-off line followed by a long one is then reported as invalid
    /// JSON rather than as too large, as it is when the long line fits in the buffer.
    /// </summary>
    private string? FindJsonError(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data[Index(tokensEnd)..], isFinalBlock: false, tokenizerState);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    break;
                }
            }

            return null;
        }
        catch (JsonException exception)
        {
            return DescribeInvalidJson(exception);
        }
    }

    private string DescribeInvalidJson(JsonException exception)
    {
        // The tokenizer appends a position counted from the start of the bytes it was given, which
        // would mislead next to the line numbers of the object, so it is cut off.
        var message = exception.Message;
        var position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (position >= 0)
        {
            message = message[..position].TrimEnd();
        }

        return recordLine == lineNumber
            ? $"invalid JSON: {message}"
            : $"invalid JSON: the object is not closed on line {recordLine}, and line {lineNumber} does not continue it ({message})";
    }

    private void AdvanceTo(int index)
    {
        lineStart = bufferStart + index;
        lineNumber++;
    }

    private void Reject(long line, long byteOffset, string? field, string reason)
    {
        recordIndex++;
        recordsRejected++;
        onRejected(new RecordRejection(objectName, recordIndex - 1, line, byteOffset, field, reason));
    }
}
