using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;

namespace Vigil.Ingestion.CloudTrail;

/// <summary>
/// Turns the bytes of one complete CloudTrail record into a <see cref="CloudTrailEvent"/>.
/// Nested payloads (<c>requestParameters</c>, <c>responseElements</c>, <c>additionalEventData</c>)
/// are kept as raw JSON text of whatever shape they have, so a field that changes type from one
/// event to the next never rejects a record, and deep nesting is never walked recursively.
/// </summary>
internal static class CloudTrailRecordParser
{
    /// <summary>Parses one record, or returns the reason it was rejected in <paramref name="error"/>.</summary>
    public static CloudTrailEvent? Parse(ReadOnlySpan<byte> record, DateTimeOffset ingestTime, CloudTrailReaderOptions options, out RecordError? error)
    {
        error = null;
        var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        var fields = new RecordFields();

        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = GetStringOrRawText(ref reader);
                reader.Read();
                if (!ReadField(ref reader, name, record, fields, options, out error))
                {
                    return null;
                }
            }
        }
        catch (JsonException exception)
        {
            error = new RecordError(null, $"invalid JSON: {JsonErrors.WithoutPosition(exception)}");
            return null;
        }

        if (fields.EventTimeText is null)
        {
            error = new RecordError("eventTime", "missing");
            return null;
        }

        if (!TryParseTime(fields.EventTimeText, out var eventTime))
        {
            error = new RecordError("eventTime", $"invalid time '{Truncate(fields.EventTimeText, 64)}'");
            return null;
        }

        var raw = Encoding.UTF8.GetString(record);
        return new CloudTrailEvent
        {
            EventId = fields.EventId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(record)),
            EventTime = eventTime,
            IngestTime = ingestTime,
            EventVersion = fields.EventVersion,
            EventSource = fields.EventSource,
            EventName = fields.EventName,
            AwsRegion = fields.AwsRegion,
            SourceIpAddress = fields.SourceIpAddress,
            UserAgent = fields.UserAgent,
            ErrorCode = fields.ErrorCode,
            ErrorMessage = fields.ErrorMessage,
            EventType = fields.EventType,
            EventCategory = fields.EventCategory,
            ReadOnly = fields.ReadOnly,
            ManagementEvent = fields.ManagementEvent,
            RecipientAccountId = fields.RecipientAccountId,
            RequestId = fields.RequestId,
            UserIdentity = fields.UserIdentity,
            RequestParametersJson = fields.RequestParametersJson,
            ResponseElementsJson = fields.ResponseElementsJson,
            AdditionalEventDataJson = fields.AdditionalEventDataJson,
            Insight = fields.Insight,
            RawJson = raw,
        };
    }

    /// <summary>
    /// Parses an ISO-8601 time (<c>yyyy-MM-ddTHH:mm:ss</c>, up to seven fractional digits, then
    /// <c>Z</c>, an offset or nothing for UTC); the result is UTC. An exact format is required because
    /// the lenient parser fills a missing date or year from the wall clock ("10:15" becomes today).
    /// </summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            time = time.ToUniversalTime();
            return true;
        }

        return false;
    }

    private static bool ReadField(ref Utf8JsonReader reader, string name, ReadOnlySpan<byte> record, RecordFields fields, CloudTrailReaderOptions options, out RecordError? error)
    {
        error = null;
        switch (name)
        {
            case "eventTime":
                return ReadString(ref reader, name, options, out fields.EventTimeText, out error);
            case "eventID":
                return ReadString(ref reader, name, options, out fields.EventId, out error);
            case "eventVersion":
                return ReadString(ref reader, name, options, out fields.EventVersion, out error);
            case "eventSource":
                return ReadString(ref reader, name, options, out fields.EventSource, out error);
            case "eventName":
                return ReadString(ref reader, name, options, out fields.EventName, out error);
            case "awsRegion":
                return ReadString(ref reader, name, options, out fields.AwsRegion, out error);
            case "sourceIPAddress":
                return ReadString(ref reader, name, options, out fields.SourceIpAddress, out error);
            case "userAgent":
                return ReadString(ref reader, name, options, out fields.UserAgent, out error);
            case "errorCode":
                return ReadString(ref reader, name, options, out fields.ErrorCode, out error);
            case "errorMessage":
                return ReadString(ref reader, name, options, out fields.ErrorMessage, out error);
            case "eventType":
                return ReadString(ref reader, name, options, out fields.EventType, out error);
            case "eventCategory":
                return ReadString(ref reader, name, options, out fields.EventCategory, out error);
            case "recipientAccountId":
                return ReadString(ref reader, name, options, out fields.RecipientAccountId, out error);
            case "requestID":
                return ReadString(ref reader, name, options, out fields.RequestId, out error);
            case "readOnly":
                fields.ReadOnly = ReadFlexibleBoolean(ref reader);
                return true;
            case "managementEvent":
                fields.ManagementEvent = ReadFlexibleBoolean(ref reader);
                return true;
            case "requestParameters":
                fields.RequestParametersJson = ReadRaw(ref reader, record);
                return true;
            case "responseElements":
                fields.ResponseElementsJson = ReadRaw(ref reader, record);
                return true;
            case "additionalEventData":
                fields.AdditionalEventDataJson = ReadRaw(ref reader, record);
                return true;
            case "userIdentity":
                fields.UserIdentity = UserIdentityParser.Read(ref reader, options);
                return true;
            case "insightDetails":
                fields.Insight = ReadInsight(ref reader, options);
                return true;
            default:
                reader.Skip();
                return true;
        }
    }

    /// <summary>
    /// Reads a string field. A JSON null gives null, and a number or boolean is kept as its text,
    /// because some services write scalar fields with another JSON type. An object or array gives
    /// null for the field (the raw record still has it), except for <c>eventTime</c>, which rejects the record.
    /// </summary>
    private static bool ReadString(ref Utf8JsonReader reader, string name, CloudTrailReaderOptions options, out string? value, out RecordError? error)
    {
        error = null;
        value = ReadScalarText(ref reader, options.MaxStringLength);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return true;
        }

        var found = reader.TokenType == JsonTokenType.StartObject ? "an object" : "an array";
        reader.Skip();
        if (name == "eventTime")
        {
            error = new RecordError(name, $"expected a string, found {found}");
            return false;
        }

        return true;
    }

    internal static string? ReadScalarText(ref Utf8JsonReader reader, int maxLength)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Truncate(GetStringOrRawText(ref reader), maxLength);
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                return null;
            default:
                return null;
        }
    }

    private static bool? ReadFlexibleBoolean(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                return bool.TryParse(GetStringOrRawText(ref reader), out var parsed) ? parsed : null;
            default:
                reader.Skip();
                return null;
        }
    }

    /// <summary>Returns the value as raw JSON text, or null for a JSON null.</summary>
    private static string? ReadRaw(ref Utf8JsonReader reader, ReadOnlySpan<byte> record)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var end = (int)reader.BytesConsumed;
        return Encoding.UTF8.GetString(record[start..end]);
    }

    private static InsightDetails? ReadInsight(ref Utf8JsonReader reader, CloudTrailReaderOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? state = null, source = null, eventName = null, insightType = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = GetStringOrRawText(ref reader);
            reader.Read();
            switch (name)
            {
                case "state":
                    state = ReadScalarText(ref reader, options.MaxStringLength);
                    break;
                case "eventSource":
                    source = ReadScalarText(ref reader, options.MaxStringLength);
                    break;
                case "eventName":
                    eventName = ReadScalarText(ref reader, options.MaxStringLength);
                    break;
                case "insightType":
                    insightType = ReadScalarText(ref reader, options.MaxStringLength);
                    break;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return new InsightDetails { State = state, EventSource = source, EventName = eventName, InsightType = insightType };
    }

    /// <summary>
    /// Returns the string value or property name at the reader. <see cref="Utf8JsonReader.GetString"/>
    /// throws for invalid UTF-8 and for a lone surrogate escape such as <c>\ud800</c>, which is valid
    /// JSON; such text is returned undecoded (escapes as written, invalid bytes as U+FFFD), so one odd
    /// value cannot stop the record or the object.
    /// </summary>
    internal static string GetStringOrRawText(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    internal static string Truncate(string value, int maxLength) =>
        value.Length <= maxLength ? value : value[..maxLength];

    /// <summary>Fields collected while walking a record's top level.</summary>
    private sealed class RecordFields
    {
        public string? EventTimeText;
        public string? EventId;
        public string? EventVersion;
        public string? EventSource;
        public string? EventName;
        public string? AwsRegion;
        public string? SourceIpAddress;
        public string? UserAgent;
        public string? ErrorCode;
        public string? ErrorMessage;
        public string? EventType;
        public string? EventCategory;
        public string? RecipientAccountId;
        public string? RequestId;
        public bool? ReadOnly;
        public bool? ManagementEvent;
        public string? RequestParametersJson;
        public string? ResponseElementsJson;
        public string? AdditionalEventDataJson;
        public UserIdentity? UserIdentity;
        public InsightDetails? Insight;
    }
}

/// <summary>Why a record was rejected: the field (null for the record as a whole) and the reason.</summary>
public sealed record RecordError(string? Field, string Reason);
