using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// Turns the lines of one text flow log object into records, keeping the layout that the header
/// line set. <see cref="VpcFlowTextReader"/> splits the lines and bounds their length.
/// </summary>
internal sealed class FlowTextLineParser(string objectName, DateTimeOffset ingestTime, VpcFlowReaderOptions options, Action<RecordRejection> onRejected)
{
    private readonly FlowRecordBuilder builder = new();
    private (int Start, int Length)[] tokenRanges = new (int, int)[64];
    private FlowLayout? layout;
    private string? previousAccountId;
    private long recordIndex;
    private bool sawLine;

    /// <summary>
    /// Records parsed and not yet handed over. The caller empties the list after handing it over, so
    /// one list serves the whole object. It has room for a whole batch, up to 500 records, so it does not grow record by record.
    /// </summary>
    public List<FlowRecord> Pending { get; } = new(Math.Min(options.BatchSize, 500));

    public long RecordsRead { get; private set; }

    public long RecordsRejected { get; private set; }

    public long HeaderLines { get; private set; }

    /// <summary>True when the object has no header and its records were read in the default version 2 format.</summary>
    public bool UsedDefaultFormat { get; private set; }

    /// <summary>The error that stopped the object. Once it is set, no more lines are parsed.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Parses the whole lines of <paramref name="data"/> from <paramref name="start"/> until a batch is
    /// full, an error stops the object or no line break is left, and returns the position after the
    /// last line parsed. <paramref name="line"/> is the number of the line at <paramref name="start"/>
    /// and moves on with it, and <paramref name="dataOffset"/> is the offset of <paramref name="data"/> in the object.
    /// </summary>
    public int ParseLines(ReadOnlySpan<byte> data, int start, ref long line, long dataOffset)
    {
        var cache = Utf8StringCache.ForCurrentThread;
        var batchSize = options.BatchSize;
        while (Error is null && Pending.Count < batchSize)
        {
            var newline = 0;
            var outcome = layout is { IsDefaultOrder: true } ? TryParseDefaultFormatLine(data, start, cache, out newline) : DefaultFormatLine.LineOutcome.Unknown;
            if (outcome == DefaultFormatLine.LineOutcome.Unknown)
            {
                newline = data[start..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }
            }

            if (outcome != DefaultFormatLine.LineOutcome.Parsed)
            {
                ParseLine(data.Slice(start, newline), line, dataOffset + start, cache);
            }

            line++;
            start += newline + 1;
        }

        return start;
    }

    /// <summary>Reads the line at <paramref name="start"/> with <see cref="DefaultFormatLine.TryParseLine"/>, straight into <see cref="Pending"/>.</summary>
    private DefaultFormatLine.LineOutcome TryParseDefaultFormatLine(ReadOnlySpan<byte> data, int start, Utf8StringCache cache, out int lineLength)
    {
        var outcome = DefaultFormatLine.TryParseLine(data, start, options.MaxLineBytes, ingestTime, cache, ref previousAccountId, ref AddSlot(), out lineLength);
        CloseSlot(outcome == DefaultFormatLine.LineOutcome.Parsed);
        return outcome;
    }

    /// <summary>Parses one line without its line break, which <paramref name="line"/> and <paramref name="byteOffset"/> locate in the object.</summary>
    public void ParseLine(ReadOnlySpan<byte> bytes, long line, long byteOffset) => ParseLine(bytes, line, byteOffset, Utf8StringCache.ForCurrentThread);

    /// <summary>The same as <see cref="ParseLine(ReadOnlySpan{byte}, long, long)"/>, with the string cache of the calling thread passed in.</summary>
    private void ParseLine(ReadOnlySpan<byte> bytes, long line, long byteOffset, Utf8StringCache cache)
    {
        if (Error is not null)
        {
            return;
        }

        if (bytes.EndsWith((byte)'\r'))
        {
            bytes = bytes[..^1];
        }

        if (line == 1 && bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        if (bytes.Length > options.MaxLineBytes)
        {
            Reject(line, byteOffset, null, $"the line is {bytes.Length} bytes, more than the limit of {options.MaxLineBytes}");
            return;
        }

        if (layout is { IsDefaultOrder: true } && TryParseDefaultFormat(bytes, cache))
        {
            return;
        }

        var count = Tokenise(bytes, out var ascii);
        if (!ascii && !Utf8.IsValid(bytes))
        {
            Reject(line, byteOffset, null, "the line is not valid UTF-8");
            return;
        }

        if (count == 0)
        {
            return;
        }

        if (layout is not null && !AllTokensLookLikeNames(bytes, count))
        {
            // A header line has only field names, so this line is a record. It is read from the
            // bytes, without a string per token.
            ParseRecord(bytes, count, layout, line, byteOffset, cache);
            return;
        }

        var tokens = new string[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = Encoding.UTF8.GetString(Token(bytes, i));
        }

        if (layout is null)
        {
            ParseFirstLine(tokens, line, byteOffset);
            return;
        }

        if (layout.HasNames(tokens))
        {
            // The same header again, as in files that were concatenated from several deliveries.
            HeaderLines++;
            return;
        }

        if (FlowLayout.IsHeader(tokens))
        {
            AcceptHeader(tokens, line, byteOffset);
            return;
        }

        ParseRecord(bytes, count, layout, line, byteOffset, cache);
    }

    /// <summary>Reports a line that <see cref="VpcFlowTextReader"/> skips unread because it is longer than the limit.</summary>
    public void RejectOverlongLine(long line, long byteOffset) =>
        Reject(line, byteOffset, null, $"the line is longer than the limit of {options.MaxLineBytes} bytes; it was skipped unread");

    /// <summary>Marks the end of the object, which is an error when the object had no line at all.</summary>
    public void Finish()
    {
        if (!sawLine && Error is null)
        {
            Error = $"{objectName}: the object is empty";
        }
    }

    /// <summary>
    /// Sets the layout from the first line. A header line of field names sets it by name. A file
    /// without a header is read in the AWS default format (the 14 version 2 fields) only when its
    /// first line is a valid record in that format. Otherwise the object stops with an error,
    /// because a guessed layout could put values in the wrong fields.
    /// </summary>
    private void ParseFirstLine(string[] tokens, long line, long byteOffset)
    {
        sawLine = true;
        if (FlowLayout.IsHeader(tokens))
        {
            AcceptHeader(tokens, line, byteOffset);
            return;
        }

        var defaultLayout = FlowLayout.Default;
        string? reason;
        if (tokens.Length != defaultLayout.Fields.Count)
        {
            reason = $"it has {tokens.Length} fields, not {defaultLayout.Fields.Count}";
        }
        else
        {
            reason = Fill(tokens, defaultLayout, out var fieldName);
            reason = reason is null ? null : $"{fieldName}: {reason}";
        }

        if (reason is not null)
        {
            Fail(line, byteOffset, $"the first line is neither a header line of field names nor a record in the default version 2 format: {reason}");
            return;
        }

        layout = defaultLayout;
        UsedDefaultFormat = true;
        Accept();
    }

    private void AcceptHeader(string[] tokens, long line, long byteOffset)
    {
        var duplicate = tokens.GroupBy(token => token, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            Fail(line, byteOffset, $"the header line names the field \"{duplicate.Key}\" more than once");
            return;
        }

        layout = new FlowLayout(tokens);
        HeaderLines++;
    }

    private void ParseRecord(ReadOnlySpan<byte> bytes, int count, FlowLayout current, long line, long byteOffset, Utf8StringCache cache)
    {
        if (count != current.Fields.Count)
        {
            var expected = current == FlowLayout.Default ? "the default format has" : "the header names";
            Reject(line, byteOffset, null, $"the line has {count} fields, but {expected} {current.Fields.Count}");
            return;
        }

        // A line in the default order that reaches this point failed DefaultFormatLine, so it has a value
        // in an unusual form or an invalid one, and the builder gives its record or its rejection.
        builder.Clear();
        var fields = current.FieldArray;
        for (var i = 0; i < count; i++)
        {
            var token = Token(bytes, i);
            var field = fields[i];
            if (field is null)
            {
                builder.AddExtraField(current.Names[i], cache.Get(token));
                continue;
            }

            var reason = builder.SetUtf8(field, token, cache);
            if (reason is not null)
            {
                Reject(line, byteOffset, field.Name, reason);
                return;
            }
        }

        Accept();
    }

    /// <summary>
    /// Finds the space- or tab-separated tokens of <paramref name="bytes"/> and returns how many there
    /// are. <paramref name="ascii"/> is set to false when the line has a byte over 0x7F, which only
    /// then needs a full UTF-8 check.
    /// </summary>
    /// <remarks>
    /// Where the processor has 256-bit vectors, 32 bytes at a time are compared with the two
    /// separators, and the tokens start and end where the resulting bit mask changes. That replaces
    /// one search call per token, whose set-up cost dominated on tokens of a few bytes.
    /// </remarks>
    private int Tokenise(ReadOnlySpan<byte> bytes, out bool ascii)
    {
        var count = 0;
        var tokenStart = -1;
        var position = 0;
        var highBits = 0u;
        if (Vector256.IsHardwareAccelerated && bytes.Length >= Vector256<byte>.Count)
        {
            ref var first = ref MemoryMarshal.GetReference(bytes);
            var space = Vector256.Create((byte)' ');
            var tab = Vector256.Create((byte)'\t');

            // Bit i of a mask stands for byte position + i. previousSeparator is 1 when the byte before
            // the block is a separator or the block starts the line.
            var previousSeparator = 1u;
            for (; position <= bytes.Length - Vector256<byte>.Count; position += Vector256<byte>.Count)
            {
                var block = Vector256.LoadUnsafe(ref first, (nuint)position);
                highBits |= block.ExtractMostSignificantBits();
                var separators = (Vector256.Equals(block, space) | Vector256.Equals(block, tab)).ExtractMostSignificantBits();
                var shifted = (separators << 1) | previousSeparator;
                var changes = (~separators & shifted) | (separators & ~shifted);
                while (changes != 0)
                {
                    var at = position + BitOperations.TrailingZeroCount(changes);
                    if (tokenStart < 0)
                    {
                        tokenStart = at;
                    }
                    else
                    {
                        AddToken(ref count, tokenStart, at - tokenStart);
                        tokenStart = -1;
                    }

                    changes &= changes - 1;
                }

                previousSeparator = separators >> 31;
            }
        }

        for (; position < bytes.Length; position++)
        {
            var value = bytes[position];
            highBits |= value & 0x80u;
            var separator = value is (byte)' ' or (byte)'\t';
            if (separator && tokenStart >= 0)
            {
                AddToken(ref count, tokenStart, position - tokenStart);
                tokenStart = -1;
            }
            else if (!separator && tokenStart < 0)
            {
                tokenStart = position;
            }
        }

        if (tokenStart >= 0)
        {
            AddToken(ref count, tokenStart, bytes.Length - tokenStart);
        }

        ascii = highBits == 0;
        return count;
    }

    private void AddToken(ref int count, int start, int length)
    {
        if (count == tokenRanges.Length)
        {
            Array.Resize(ref tokenRanges, count * 2);
        }

        tokenRanges[count++] = (start, length);
    }

    private ReadOnlySpan<byte> Token(ReadOnlySpan<byte> bytes, int index) => bytes.Slice(tokenRanges[index].Start, tokenRanges[index].Length);

    /// <summary>
    /// True when every token is written like a field name (see <see cref="FlowLayout.IsHeader"/>). A line
    /// for which this is false is neither the layout's header again nor a new header.
    /// </summary>
    private bool AllTokensLookLikeNames(ReadOnlySpan<byte> bytes, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var token = Token(bytes, i);
            if (!char.IsAsciiLetterLower((char)token[0]))
            {
                return false;
            }

            foreach (var value in token)
            {
                if (!char.IsAsciiLetterLower((char)value) && !char.IsAsciiDigit((char)value) && value != (byte)'-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Fills the builder from the tokens by the layout's names, and returns why a value is invalid (with its field name) or null.</summary>
    private string? Fill(string[] tokens, FlowLayout current, out string? fieldName)
    {
        builder.Clear();
        for (var i = 0; i < tokens.Length; i++)
        {
            var field = current.Fields[i];
            if (field is null)
            {
                builder.AddExtraField(current.Names[i], tokens[i]);
                continue;
            }

            var reason = builder.SetText(field, tokens[i]);
            if (reason is not null)
            {
                fieldName = field.Name;
                return reason;
            }
        }

        fieldName = null;
        return null;
    }

    private void Accept() => Accept(builder.Build(ingestTime));

    /// <summary>Parses a line of the default format with <see cref="DefaultFormatLine.TryParse"/>, straight into <see cref="Pending"/>.</summary>
    private bool TryParseDefaultFormat(ReadOnlySpan<byte> bytes, Utf8StringCache cache)
    {
        var parsed = DefaultFormatLine.TryParse(bytes, ingestTime, cache, ref previousAccountId, ref AddSlot());
        CloseSlot(parsed);
        return parsed;
    }

    /// <summary>
    /// Adds a last slot to <see cref="Pending"/> and returns it, so a record is built in place instead
    /// of being copied there, 152 bytes at a time. <see cref="CloseSlot"/> keeps or removes it.
    /// </summary>
    private ref FlowRecord AddSlot()
    {
        var count = Pending.Count;
        CollectionsMarshal.SetCount(Pending, count + 1);
        return ref CollectionsMarshal.AsSpan(Pending)[count];
    }

    /// <summary>Counts the record in the slot of <see cref="AddSlot"/> when it was built, and removes the slot otherwise.</summary>
    private void CloseSlot(bool built)
    {
        if (built)
        {
            recordIndex++;
            RecordsRead++;
        }
        else
        {
            CollectionsMarshal.SetCount(Pending, Pending.Count - 1);
        }
    }

    private void Accept(FlowRecord record)
    {
        recordIndex++;
        RecordsRead++;
        Pending.Add(record);
    }

    private void Reject(long line, long byteOffset, string? field, string reason)
    {
        sawLine = true;
        recordIndex++;
        RecordsRejected++;
        onRejected(new RecordRejection(objectName, recordIndex - 1, line, byteOffset, field, reason));
    }

    private void Fail(long line, long byteOffset, string reason) =>
        Error = $"{objectName}: line {line} (byte {byteOffset}): {reason}";
}
