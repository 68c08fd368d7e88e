using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigil.Contracts.Events;
using Vigil.Contracts.Text;

namespace Vigil.Ingestion.CloudTrail;

/// <summary>
/// Turns one CloudTrail record into a <see cref="CloudTrailEvent"/> in a single pass of the
/// <see cref="Utf8JsonReader"/> that finds the record's end. Nested payloads (<c>requestParameters</c>,
/// <c>responseElements</c>, <c>additionalEventData</c>) are kept as raw JSON text of whatever shape
/// they have, so a field that changes type from one event to the next never rejects a record, and
/// deep nesting is never walked recursively.
/// </summary>
/// <remarks>
/// Property names are matched on their UTF-8 bytes, and short values that repeat from record to
/// record (event names, sources, regions, account ids, caller names) come from a
/// <see cref="Utf8StringCache"/> of bounded size instead of a new string per record.
/// </remarks>
internal static class CloudTrailRecordParser
{
    /// <summary>
    /// Parses one complete record given on its own, as a Firehose message carries it, or returns the
    /// reason it was rejected in <paramref name="error"/>.
    /// </summary>
    public static CloudTrailEvent? Parse(ReadOnlySpan<byte> record, DateTimeOffset ingestTime, CloudTrailReaderOptions options, out RecordError? error)
    {
        var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        var fields = new RecordFields(acrossRecords: false);
        try
        {
            // A value that is not an object has no fields, so it is rejected below for its missing eventTime.
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                TryReadRecord(ref reader, record, fields, options, Utf8StringCache.ForCurrentThread);
            }
        }
        catch (JsonException exception)
        {
            error = new RecordError(null, $"invalid JSON: {JsonErrors.WithoutPosition(exception)}");
            return null;
        }

        // The caller's span may be reused after the call, so the event keeps a copy of the record.
        return Build(fields, record.ToArray(), ingestTime, out error);
    }

    /// <summary>
    /// Reads the record whose <see cref="JsonTokenType.StartObject"/> the reader is on, up to and
    /// including its <see cref="JsonTokenType.EndObject"/>, into <paramref name="fields"/>. Returns
    /// false when <paramref name="data"/> ends first; the reader's position is then undefined and the
    /// caller goes back to the record's start. Invalid JSON throws <see cref="JsonException"/>, as it
    /// does for any other token of the object.
    /// </summary>
    public static bool TryReadRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, RecordFields fields, CloudTrailReaderOptions options, Utf8StringCache cache)
    {
        fields.Clear();
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                // The record's EndObject: every value before it was read or skipped whole.
                return true;
            }

            var name = Identify(ref reader);
            if (!reader.Read())
            {
                return false;
            }

            // After the first error the record is rejected, and the rest of it is only skipped.
            var complete = fields.Error is null
                ? ReadField(ref reader, name, data, fields, options, cache)
                : reader.TrySkip();
            if (!complete)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Builds the event from the fields of <paramref name="record"/>, or returns null and the reason it
    /// was rejected. The event keeps <paramref name="record"/> as its raw JSON without copying it, so
    /// the caller must not write to that memory again.
    /// </summary>
    public static CloudTrailEvent? Build(RecordFields fields, ReadOnlyMemory<byte> record, DateTimeOffset ingestTime, out RecordError? error)
    {
        if (fields.Error is not null)
        {
            error = fields.Error;
            return null;
        }

        DateTimeOffset eventTime;
        if (fields.HasEventTime)
        {
            eventTime = fields.EventTime;
        }
        else if (fields.EventTimeText is null)
        {
            error = new RecordError("eventTime", "missing");
            return null;
        }
        else if (!TryParseTime(fields.EventTimeText, out eventTime))
        {
            error = new RecordError("eventTime", $"invalid time '{Truncate(fields.EventTimeText, 64)}'");
            return null;
        }

        error = null;
        return new CloudTrailEvent
        {
            EventId = fields.EventId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(record.Span)),
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
            RequestIdText = fields.RequestId,
            UserIdentity = fields.UserIdentity,
            RequestParametersJson = fields.RequestParametersJson,
            ResponseElementsJson = fields.ResponseElementsJson,
            AdditionalEventDataJson = fields.AdditionalEventDataJson,
            Insight = fields.Insight,
            RawJson = new Utf8JsonText(record),
        };
    }

    /// <summary>
    /// Parses an ISO-8601 time (<c>yyyy-MM-ddTHH:mm:ss</c>, up to seven fractional digits, then
    /// <c>Z</c>, an offset or nothing for UTC); the result is UTC. An exact format is required because
    /// the lenient parser fills a missing date or year from the wall clock ("10:15" becomes today).
    /// </summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) => TryParseTime(text.AsSpan(), out time);

    /// <summary>The same as <see cref="TryParseTime(string, out DateTimeOffset)"/> on UTF-8 text.</summary>
    public static bool TryParseTimeUtf8(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        if (TryParseUtcSeconds(utf8, out time))
        {
            return true;
        }

        // Every other form goes through the exact-format parser, which has the final word.
        Span<char> text = stackalloc char[64];
        if (utf8.Length > text.Length || Ascii.ToUtf16(utf8, text, out var written) != System.Buffers.OperationStatus.Done)
        {
            time = default;
            return false;
        }

        return TryParseTime(text[..written], out time);
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

    /// <summary>
    /// Returns the string value at the reader as <see cref="GetStringOrRawText"/> does, taking short
    /// values without escapes from <paramref name="cache"/> when it is given.
    /// </summary>
    internal static string GetString(ref Utf8JsonReader reader, Utf8StringCache? cache, RepeatedText? recent = null)
    {
        if (cache is not null && !reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var value = reader.ValueSpan;
            if (recent is not null && recent.Matches(value))
            {
                return recent.Text;
            }

            if (value.Length <= Utf8StringCache.MaxCachedBytes && Utf8.IsValid(value))
            {
                var text = cache.Get(value);
                recent?.Remember(value, text);
                return text;
            }
        }

        return GetStringOrRawText(ref reader);
    }

    /// <summary>
    /// Reads a scalar as text: a string as it is, a number or boolean as its JSON text, and null for
    /// a JSON null, an object or an array (which the caller skips).
    /// </summary>
    internal static string? ReadScalarText(ref Utf8JsonReader reader, int maxLength, Utf8StringCache? cache = null, RepeatedText? recent = null) => reader.TokenType switch
    {
        JsonTokenType.String => Truncate(GetString(ref reader, cache, recent), maxLength),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => null,
    };

    internal static string Truncate(string value, int maxLength) =>
        value.Length <= maxLength ? value : value[..maxLength];

    private static bool TryParseTime(ReadOnlySpan<char> text, out DateTimeOffset time)
    {
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            time = time.ToUniversalTime();
            return true;
        }

        return false;
    }

    /// <summary>
    /// Parses the form CloudTrail and Resolver logs almost always use, <c>yyyy-MM-ddTHH:mm:ssZ</c>,
    /// straight from the bytes. Returns false for any other form, or an out-of-range value, which the
    /// exact-format parser then decides on.
    /// </summary>
    internal static bool TryParseUtcSeconds(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        time = default;
        if (utf8.Length != 20 || utf8[4] != '-' || utf8[7] != '-' || utf8[10] != 'T' || utf8[13] != ':' || utf8[16] != ':' || utf8[19] != 'Z')
        {
            return false;
        }

        if (!TryDigits(utf8[..4], out var year) || !TryDigits(utf8.Slice(5, 2), out var month) || !TryDigits(utf8.Slice(8, 2), out var day)
            || !TryDigits(utf8.Slice(11, 2), out var hour) || !TryDigits(utf8.Slice(14, 2), out var minute) || !TryDigits(utf8.Slice(17, 2), out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        // The same value as new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero),
        // computed from the day number, because that constructor checks every part again.
        var previousYears = year - 1;
        var days = (previousYears * 365) + (previousYears / 4) - (previousYears / 100) + (previousYears / 400)
            + DaysBeforeMonth[month - 1] + (month > 2 && DateTime.IsLeapYear(year) ? 1 : 0) + day - 1;
        var seconds = (days * 86_400L) + (hour * 3_600) + (minute * 60) + second;
        time = new DateTimeOffset(seconds * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return true;
    }

    // Days of a common year before the first of each month.
    private static ReadOnlySpan<int> DaysBeforeMonth => [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            var number = digit - (byte)'0';
            if ((uint)number > 9)
            {
                return false;
            }

            value = (value * 10) + number;
        }

        return true;
    }

    /// <summary>The top-level fields Vigil reads, found by the UTF-8 bytes of the property name.</summary>
    internal enum Field
    {
        Other,
        EventTime,
        EventId,
        EventVersion,
        EventSource,
        EventName,
        AwsRegion,
        SourceIpAddress,
        UserAgent,
        ErrorCode,
        ErrorMessage,
        EventType,
        EventCategory,
        RecipientAccountId,
        RequestId,
        ReadOnly,
        ManagementEvent,
        RequestParameters,
        ResponseElements,
        AdditionalEventData,
        UserIdentity,
        InsightDetails,
    }

    private static Field Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            // Rare: an escaped name is compared after decoding, as the name it spells.
            return Identify(Encoding.UTF8.GetBytes(GetStringOrRawText(ref reader)));
        }

        return Identify(reader.ValueSpan);
    }

    /// <summary>The member name of <paramref name="field"/> in a record; the inverse of <see cref="Identify(ReadOnlySpan{byte})"/>.</summary>
    internal static string NameOf(Field field) => field switch
    {
        Field.EventTime => "eventTime",
        Field.EventId => "eventID",
        Field.EventVersion => "eventVersion",
        Field.EventSource => "eventSource",
        Field.EventName => "eventName",
        Field.AwsRegion => "awsRegion",
        Field.SourceIpAddress => "sourceIPAddress",
        Field.UserAgent => "userAgent",
        Field.ErrorCode => "errorCode",
        Field.ErrorMessage => "errorMessage",
        Field.EventType => "eventType",
        Field.EventCategory => "eventCategory",
        Field.RecipientAccountId => "recipientAccountId",
        Field.RequestId => "requestID",
        Field.ReadOnly => "readOnly",
        Field.ManagementEvent => "managementEvent",
        Field.RequestParameters => "requestParameters",
        Field.ResponseElements => "responseElements",
        Field.AdditionalEventData => "additionalEventData",
        Field.UserIdentity => "userIdentity",
        Field.InsightDetails => "insightDetails",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Other fields have no single name."),
    };

    internal static Field Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        7 => name.SequenceEqual("eventID"u8) ? Field.EventId : Field.Other,
        8 => name.SequenceEqual("readOnly"u8) ? Field.ReadOnly : Field.Other,
        9 => name[0] switch
        {
            (byte)'e' when name.SequenceEqual("eventTime"u8) => Field.EventTime,
            (byte)'e' when name.SequenceEqual("eventName"u8) => Field.EventName,
            (byte)'e' when name.SequenceEqual("eventType"u8) => Field.EventType,
            (byte)'e' when name.SequenceEqual("errorCode"u8) => Field.ErrorCode,
            (byte)'a' when name.SequenceEqual("awsRegion"u8) => Field.AwsRegion,
            (byte)'u' when name.SequenceEqual("userAgent"u8) => Field.UserAgent,
            (byte)'r' when name.SequenceEqual("requestID"u8) => Field.RequestId,
            _ => Field.Other,
        },
        11 => name.SequenceEqual("eventSource"u8) ? Field.EventSource : Field.Other,
        12 => name[0] switch
        {
            (byte)'e' when name.SequenceEqual("eventVersion"u8) => Field.EventVersion,
            (byte)'e' when name.SequenceEqual("errorMessage"u8) => Field.ErrorMessage,
            (byte)'u' when name.SequenceEqual("userIdentity"u8) => Field.UserIdentity,
            _ => Field.Other,
        },
        13 => name.SequenceEqual("eventCategory"u8) ? Field.EventCategory : Field.Other,
        14 => name.SequenceEqual("insightDetails"u8) ? Field.InsightDetails : Field.Other,
        15 => name[0] switch
        {
            (byte)'s' when name.SequenceEqual("sourceIPAddress"u8) => Field.SourceIpAddress,
            (byte)'m' when name.SequenceEqual("managementEvent"u8) => Field.ManagementEvent,
            _ => Field.Other,
        },
        16 => name.SequenceEqual("responseElements"u8) ? Field.ResponseElements : Field.Other,
        17 => name.SequenceEqual("requestParameters"u8) ? Field.RequestParameters : Field.Other,
        18 => name.SequenceEqual("recipientAccountId"u8) ? Field.RecipientAccountId : Field.Other,
        19 => name.SequenceEqual("additionalEventData"u8) ? Field.AdditionalEventData : Field.Other,
        _ => Field.Other,
    };

    /// <summary>Reads one field's value; returns false only when the data ends inside it.</summary>
    private static bool ReadField(ref Utf8JsonReader reader, Field field, ReadOnlySpan<byte> data, RecordFields fields, CloudTrailReaderOptions options, Utf8StringCache cache)
    {
        var max = options.MaxStringLength;
        switch (field)
        {
            case Field.EventTime:
                return ReadEventTime(ref reader, fields, max);
            case Field.EventId:
                return ReadString(ref reader, max, null, out fields.EventId);
            case Field.EventVersion:
                return ReadString(ref reader, max, cache, out fields.EventVersion, fields.Recent(field));
            case Field.EventSource:
                return ReadString(ref reader, max, cache, out fields.EventSource, fields.Recent(field));
            case Field.EventName:
                return ReadString(ref reader, max, cache, out fields.EventName, fields.Recent(field));
            case Field.AwsRegion:
                return ReadString(ref reader, max, cache, out fields.AwsRegion, fields.Recent(field));
            case Field.SourceIpAddress:
                return ReadString(ref reader, max, cache, out fields.SourceIpAddress, fields.Recent(field));
            case Field.UserAgent:
                return ReadString(ref reader, max, cache, out fields.UserAgent, fields.Recent(field));
            case Field.ErrorCode:
                return ReadString(ref reader, max, cache, out fields.ErrorCode, fields.Recent(field));
            case Field.ErrorMessage:
                return ReadString(ref reader, max, null, out fields.ErrorMessage);
            case Field.EventType:
                return ReadString(ref reader, max, cache, out fields.EventType, fields.Recent(field));
            case Field.EventCategory:
                return ReadString(ref reader, max, cache, out fields.EventCategory, fields.Recent(field));
            case Field.RecipientAccountId:
                return ReadString(ref reader, max, cache, out fields.RecipientAccountId, fields.Recent(field));
            case Field.RequestId:
                var read = ReadString(ref reader, max, null, out var requestId);
                fields.RequestId = new DeferredText(requestId);
                return read;
            case Field.ReadOnly:
                return ReadFlexibleBoolean(ref reader, out fields.ReadOnly);
            case Field.ManagementEvent:
                return ReadFlexibleBoolean(ref reader, out fields.ManagementEvent);
            case Field.RequestParameters:
                return ReadRaw(ref reader, data, out fields.RequestParametersJson);
            case Field.ResponseElements:
                return ReadRaw(ref reader, data, out fields.ResponseElementsJson);
            case Field.AdditionalEventData:
                return ReadRaw(ref reader, data, out fields.AdditionalEventDataJson);
            case Field.UserIdentity:
                return UserIdentityParser.TryRead(ref reader, options, cache, out fields.UserIdentity);
            case Field.InsightDetails:
                return ReadInsight(ref reader, options, out fields.Insight);
            default:
                return reader.TrySkip();
        }
    }

    /// <summary>
    /// Reads <c>eventTime</c>: a string in the usual form is parsed from its bytes, anything else is
    /// kept as text for <see cref="Build"/>. An object or array rejects the record.
    /// </summary>
    private static bool ReadEventTime(ref Utf8JsonReader reader, RecordFields fields, int maxLength)
    {
        // A limit below the time's 20 characters cuts the text, which then fails to parse as before.
        if (maxLength >= 20 && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence && TryParseUtcSeconds(reader.ValueSpan, out var time))
        {
            fields.HasEventTime = true;
            fields.EventTime = time;
            fields.EventTimeText = null;
            return true;
        }

        fields.HasEventTime = false;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            fields.EventTimeText = null;
            fields.Error = new RecordError("eventTime", $"expected a string, found {(reader.TokenType == JsonTokenType.StartObject ? "an object" : "an array")}");
            return reader.TrySkip();
        }

        fields.EventTimeText = ReadScalarText(ref reader, maxLength);
        return true;
    }

    /// <summary>
    /// Reads a string field. A JSON null gives null, and a number or boolean is kept as its text,
    /// because some services write scalar fields with another JSON type. An object or array gives
    /// null for the field (the raw record still has it).
    /// </summary>
    private static bool ReadString(ref Utf8JsonReader reader, int maxLength, Utf8StringCache? cache, out string? value, RepeatedText? recent = null)
    {
        value = ReadScalarText(ref reader, maxLength, cache, recent);
        return reader.TrySkip();
    }

    private static bool ReadFlexibleBoolean(ref Utf8JsonReader reader, out bool? value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return true;
            case JsonTokenType.False:
                value = false;
                return true;
            case JsonTokenType.String:
                value = bool.TryParse(GetStringOrRawText(ref reader), out var parsed) ? parsed : null;
                return true;
            default:
                value = null;
                return reader.TrySkip();
        }
    }

    /// <summary>Returns the value as raw JSON text, or null for a JSON null.</summary>
    private static bool ReadRaw(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, out string? json)
    {
        json = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        var start = (int)reader.TokenStartIndex;
        if (!reader.TrySkip())
        {
            return false;
        }

        json = Encoding.UTF8.GetString(data[start..(int)reader.BytesConsumed]);
        return true;
    }

    private static bool ReadInsight(ref Utf8JsonReader reader, CloudTrailReaderOptions options, out InsightDetails? insight)
    {
        insight = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return reader.TrySkip();
        }

        string? state = null, source = null, eventName = null, insightType = null;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                break;
            }

            var name = GetStringOrRawText(ref reader);
            if (!reader.Read())
            {
                return false;
            }

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

            if (!reader.TrySkip())
            {
                return false;
            }
        }

        insight = new InsightDetails { State = state, EventSource = source, EventName = eventName, InsightType = insightType };
        return true;
    }

    /// <summary>Fields collected while walking a record's top level; one instance is reused for every record of an object.</summary>
    internal sealed class RecordFields
    {
        public RecordError? Error;
        public bool HasEventTime;
        public DateTimeOffset EventTime;
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

        // A slice of the record when the plain scanner left it undecoded, else the decoded string.
        public DeferredText RequestId;

        public bool? ReadOnly;
        public bool? ManagementEvent;
        public string? RequestParametersJson;
        public string? ResponseElementsJson;
        public string? AdditionalEventDataJson;
        public UserIdentity? UserIdentity;
        public InsightDetails? Insight;

        // The last text of each top-level field, kept across records, because the records of one
        // file often share their region, account, source and event type. Null for fields of a single
        // record, which have no record before them.
        private readonly RepeatedText?[]? recent;

        // The same for the members of userIdentity and of its sessionIssuer section that come from
        // the cache, by UserIdentityParser.Name. The records of one file mostly share the account,
        // and a role's records share its issuer.
        private readonly RepeatedText?[]? recentIdentity;
        private readonly RepeatedText?[]? recentIssuer;

        public RecordFields(bool acrossRecords = true)
        {
            if (acrossRecords)
            {
                recent = new RepeatedText?[(int)Field.InsightDetails + 1];
                foreach (var field in FieldsWithRecentText)
                {
                    recent[(int)field] = new RepeatedText();
                }

                var names = Enum.GetValues<UserIdentityParser.Name>().Length;
                recentIdentity = new RepeatedText?[names];
                recentIssuer = new RepeatedText?[names];
                foreach (var name in IdentityNamesWithRecentText)
                {
                    recentIdentity[(int)name] = new RepeatedText();
                }

                foreach (var name in IssuerNamesWithRecentText)
                {
                    recentIssuer[(int)name] = new RepeatedText();
                }
            }
        }

        /// <summary>The fields whose values come from the cache, which are the ones worth remembering.</summary>
        private static readonly Field[] FieldsWithRecentText =
        [
            Field.EventVersion, Field.EventSource, Field.EventName, Field.AwsRegion, Field.SourceIpAddress, Field.UserAgent,
            Field.ErrorCode, Field.EventType, Field.EventCategory, Field.RecipientAccountId,
        ];

        /// <summary>The recent text of <paramref name="field"/>, or null for a single record and for fields not in <see cref="FieldsWithRecentText"/>.</summary>
        public RepeatedText? Recent(Field field) => recent?[(int)field];

        private static readonly UserIdentityParser.Name[] IdentityNamesWithRecentText =
        [
            UserIdentityParser.Name.Type, UserIdentityParser.Name.AccountId, UserIdentityParser.Name.InvokedBy,
        ];

        private static readonly UserIdentityParser.Name[] IssuerNamesWithRecentText =
        [
            UserIdentityParser.Name.Type, UserIdentityParser.Name.Arn, UserIdentityParser.Name.UserName,
        ];

        /// <summary>The recent text of a member of <c>userIdentity</c>, or null for a single record and for members not in <see cref="IdentityNamesWithRecentText"/>.</summary>
        public RepeatedText? RecentIdentity(UserIdentityParser.Name name) => recentIdentity?[(int)name];

        /// <summary>The recent text of a member of <c>sessionContext.sessionIssuer</c>, or null for a single record and for members not in <see cref="IssuerNamesWithRecentText"/>.</summary>
        public RepeatedText? RecentIssuer(UserIdentityParser.Name name) => recentIssuer?[(int)name];

        /// <summary>
        /// For each <see cref="Field"/>, the field whose member followed it in the last record read by
        /// <see cref="PlainRecordScanner"/>. The last slot is for the first member of a record.
        /// </summary>
        public int[] FollowingField { get; } = new int[Enum.GetValues<Field>().Length + 1];

        /// <summary>The same for the members of <c>userIdentity</c>, by <see cref="UserIdentityParser.Name"/>.</summary>
        public int[] FollowingIdentityName { get; } = new int[Enum.GetValues<UserIdentityParser.Name>().Length + 1];

        /// <summary>The same for the members of the sections of <c>sessionContext</c>.</summary>
        public int[] FollowingSessionName { get; } = new int[Enum.GetValues<UserIdentityParser.Name>().Length + 1];

        public void Clear()
        {
            Error = null;
            HasEventTime = false;
            EventTime = default;
            EventTimeText = EventId = EventVersion = EventSource = EventName = AwsRegion = SourceIpAddress = UserAgent = null;
            ErrorCode = ErrorMessage = EventType = EventCategory = RecipientAccountId = null;
            RequestId = default;
            ReadOnly = ManagementEvent = null;
            RequestParametersJson = ResponseElementsJson = AdditionalEventDataJson = null;
            UserIdentity = null;
            Insight = null;
        }
    }
}

/// <summary>Why a record was rejected: the field (null for the record as a whole) and the reason.</summary>
public sealed record RecordError(string? Field, string Reason);
