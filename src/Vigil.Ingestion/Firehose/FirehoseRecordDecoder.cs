using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Vigil.Ingestion.Firehose;

/// <summary>
/// Decodes the data of one Firehose record. A CloudWatch Logs subscription payload (gzip of JSON
/// with <c>messageType</c>, <c>owner</c>, <c>logGroup</c>, <c>logStream</c> and <c>logEvents</c>)
/// gives its events; the same JSON without gzip is accepted too, as Firehose sends it when it
/// decompresses CloudWatch Logs records itself. Any other data is read as log lines, one event per
/// non-blank line, without an owner, as Firehose sends it when it extracts the messages.
/// </summary>
public static class FirehoseRecordDecoder
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes one record's data. Data that cannot be decoded gives an <see cref="FirehoseRecordKind.Invalid"/> result with the reason, not an exception.</summary>
    public static DecodedFirehoseRecord Decode(byte[] data, FirehoseLimits limits)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(limits);

        byte[] content;
        if (data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        {
            var decompressed = Decompress(data, limits.MaxRecordBytes, out var error);
            if (decompressed is null)
            {
                return DecodedFirehoseRecord.Failed(data.Length, error!);
            }

            content = decompressed;
        }
        else if (data.Length > limits.MaxRecordBytes)
        {
            return DecodedFirehoseRecord.Failed(data.Length, $"the record is {data.Length} bytes, more than the limit of {limits.MaxRecordBytes}");
        }
        else
        {
            content = data;
        }

        var start = content.AsSpan().TrimStart(" \t\r\n"u8);
        if (start.StartsWith("{"u8) && HasTopLevelMessageType(start))
        {
            return ReadSubscriptionPayload(content, limits);
        }

        return ReadLines(content, limits);
    }

    private static byte[]? Decompress(byte[] data, int maxBytes, out string? error)
    {
        using var input = new MemoryStream(data, writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    error = $"the record decompresses to more than the limit of {maxBytes} bytes";
                    return null;
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException exception)
        {
            error = $"the record is not valid gzip: {exception.Message}";
            return null;
        }

        error = null;
        return output.ToArray();
    }

    /// <summary>True when the JSON object names <c>messageType</c> at its top level; nested values are skipped, not walked.</summary>
    private static bool HasTopLevelMessageType(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messageType"u8))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not one JSON object (for example several JSON lines): read as lines.
        }

        return false;
    }

    private static DecodedFirehoseRecord ReadSubscriptionPayload(byte[] content, FirehoseLimits limits)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException exception)
        {
            return DecodedFirehoseRecord.Failed(content.Length, $"the CloudWatch Logs payload is not valid JSON: {JsonErrors.WithoutPosition(exception)}");
        }

        using (document)
        {
            var root = document.RootElement;
            var messageType = StringOf(root, "messageType");
            if (messageType == "CONTROL_MESSAGE")
            {
                return new DecodedFirehoseRecord(FirehoseRecordKind.ControlMessage, content.Length, null, null, null, [], null);
            }

            if (messageType != "DATA_MESSAGE")
            {
                return DecodedFirehoseRecord.Failed(content.Length, $"messageType: \"{Truncate(messageType ?? "(not a string)")}\" is neither DATA_MESSAGE nor CONTROL_MESSAGE");
            }

            var owner = StringOf(root, "owner");
            if (string.IsNullOrEmpty(owner))
            {
                return DecodedFirehoseRecord.Failed(content.Length, "owner: missing; a CloudWatch Logs payload names the account that owns the log group");
            }

            if (!root.TryGetProperty("logEvents", out var logEvents) || logEvents.ValueKind != JsonValueKind.Array)
            {
                return DecodedFirehoseRecord.Failed(content.Length, "logEvents: missing or not an array");
            }

            var count = logEvents.GetArrayLength();
            if (count > limits.MaxEventsPerRecord)
            {
                return DecodedFirehoseRecord.Failed(content.Length, $"logEvents: {count} events, more than the limit of {limits.MaxEventsPerRecord}");
            }

            var events = new List<FirehoseLogEvent>(count);
            var index = 0;
            foreach (var logEvent in logEvents.EnumerateArray())
            {
                events.Add(ReadEvent(logEvent, index++, limits));
            }

            return new DecodedFirehoseRecord(FirehoseRecordKind.DataMessage, content.Length, owner, StringOf(root, "logGroup"), StringOf(root, "logStream"), events, null);
        }
    }

    private static FirehoseLogEvent ReadEvent(JsonElement logEvent, int index, FirehoseLimits limits)
    {
        if (logEvent.ValueKind != JsonValueKind.Object)
        {
            return new FirehoseLogEvent(index, null, null, null, "the log event is not a JSON object");
        }

        var id = StringOf(logEvent, "id");
        DateTimeOffset? timestamp = logEvent.TryGetProperty("timestamp", out var time) && time.ValueKind == JsonValueKind.Number
            && time.TryGetInt64(out var milliseconds) && milliseconds is >= 0 and <= 253_402_300_799_999
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
        if (!logEvent.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
        {
            return new FirehoseLogEvent(index, id, timestamp, null, "message: missing or not a string");
        }

        var text = message.GetString()!;
        if (Encoding.UTF8.GetByteCount(text) > limits.MaxMessageBytes)
        {
            return new FirehoseLogEvent(index, id, timestamp, null, $"message: longer than the limit of {limits.MaxMessageBytes} bytes");
        }

        return new FirehoseLogEvent(index, id, timestamp, text, null);
    }

    private static DecodedFirehoseRecord ReadLines(byte[] content, FirehoseLimits limits)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return DecodedFirehoseRecord.Failed(content.Length, "the record is neither gzip nor valid UTF-8 text");
        }

        var events = new List<FirehoseLogEvent>();
        var lineIndex = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (!trimmed.IsEmpty)
            {
                if (events.Count >= limits.MaxEventsPerRecord)
                {
                    return DecodedFirehoseRecord.Failed(content.Length, $"the record has more than {limits.MaxEventsPerRecord} lines");
                }

                events.Add(Encoding.UTF8.GetByteCount(trimmed) > limits.MaxMessageBytes
                    ? new FirehoseLogEvent(lineIndex, null, null, null, $"line {lineIndex + 1}: longer than the limit of {limits.MaxMessageBytes} bytes")
                    : new FirehoseLogEvent(lineIndex, null, null, trimmed.ToString(), null));
            }

            lineIndex++;
        }

        if (events.Count == 0)
        {
            // Also what a truncated gzip member decompresses to, because GZipStream ends it without an error.
            return DecodedFirehoseRecord.Failed(content.Length, "the record holds no log lines (empty, blank, or truncated gzip)");
        }

        return new DecodedFirehoseRecord(FirehoseRecordKind.Lines, content.Length, null, null, null, events, null);
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

public enum FirehoseRecordKind
{
    /// <summary>A CloudWatch Logs <c>DATA_MESSAGE</c> payload with log events.</summary>
    DataMessage,

    /// <summary>A CloudWatch Logs <c>CONTROL_MESSAGE</c>, which CloudWatch Logs sends to check the destination; it carries no log data.</summary>
    ControlMessage,

    /// <summary>Plain log lines without a CloudWatch Logs envelope, and so without an owner account.</summary>
    Lines,

    /// <summary>The record could not be decoded; see <see cref="DecodedFirehoseRecord.Error"/>.</summary>
    Invalid,
}

/// <summary>
/// One decoded Firehose record: its kind, decompressed size, the CloudWatch Logs owner account,
/// log group and stream when it had an envelope, and its log events.
/// </summary>
public sealed record DecodedFirehoseRecord(
    FirehoseRecordKind Kind,
    long DecompressedBytes,
    string? Owner,
    string? LogGroup,
    string? LogStream,
    IReadOnlyList<FirehoseLogEvent> Events,
    string? Error)
{
    internal static DecodedFirehoseRecord Failed(long bytes, string error) => new(FirehoseRecordKind.Invalid, bytes, null, null, null, [], error);
}

/// <summary>One log event of a record: its index in <c>logEvents</c> (or line index), id, time and message, or why it is unusable.</summary>
public sealed record FirehoseLogEvent(int Index, string? Id, DateTimeOffset? Timestamp, string? Message, string? Error);
