using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Ingestion.Route53;

/// <summary>
/// Turns the bytes of one complete Resolver query log record (a JSON object) into a
/// <see cref="DnsQueryRecord"/>. Unknown fields are skipped. A documented field with a JSON type the
/// format does not use rejects the record, naming the field.
/// </summary>
internal static class Route53RecordParser
{
    /// <summary>Parses one record, or returns null and the reason it was rejected in <paramref name="error"/>.</summary>
    public static DnsQueryRecord? Parse(ReadOnlySpan<byte> record, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options, out RecordError? error)
    {
        var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        try
        {
            reader.Read();
            return ReadObject(ref reader, ingestTime, options, out error);
        }
        catch (JsonException exception)
        {
            error = new RecordError(null, $"invalid JSON: {exception.Message}");
            return null;
        }
    }

    /// <summary>
    /// Reads the fields of the object whose start the reader has just read, up to its end, and builds
    /// the record, or returns null and the reason it was rejected. Invalid JSON throws <see cref="JsonException"/>.
    /// </summary>
    public static DnsQueryRecord? ReadObject(ref Utf8JsonReader reader, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options, out RecordError? error)
    {
        var fields = new RecordFields();
        var cache = Utf8StringCache.ForCurrentThread;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Property names repeat on every line, so they come from the cache rather than a new string each.
            var name = CloudTrailRecordParser.GetString(ref reader, cache);
            reader.Read();
            if (!ReadField(ref reader, name, fields, options, cache, out error))
            {
                return null;
            }
        }

        return Build(fields, ingestTime, options, out error);
    }

    private static DnsQueryRecord? Build(RecordFields fields, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options, out RecordError? error)
    {
        DateTimeOffset queryTimestamp;
        if (fields.HasQueryTimestamp)
        {
            queryTimestamp = fields.QueryTimestamp;
        }
        else if (string.IsNullOrEmpty(fields.QueryTimestampText))
        {
            error = new RecordError("query_timestamp", "missing");
            return null;
        }
        else if (!CloudTrailRecordParser.TryParseTime(fields.QueryTimestampText, out queryTimestamp))
        {
            error = new RecordError("query_timestamp", $"invalid time '{CloudTrailRecordParser.Truncate(fields.QueryTimestampText, 64)}' (expected ISO-8601, such as 2021-02-04T17:51:55Z)");
            return null;
        }

        if (string.IsNullOrEmpty(fields.QueryName))
        {
            error = new RecordError("query_name", "missing");
            return null;
        }

        if (fields.QueryName.Length > options.MaxStringLength)
        {
            error = new RecordError("query_name", $"the name is {fields.QueryName.Length} characters long, more than the limit of {options.MaxStringLength}");
            return null;
        }

        error = null;
        var normalized = fields.NormalizedQueryName ?? DnsQueryName.Normalize(fields.QueryName, out fields.QueryNameValid);
        var valid = fields.QueryNameValid;
        return new DnsQueryRecord
        {
            Version = fields.Version,
            AccountId = fields.AccountId,
            Region = fields.Region,
            VpcId = fields.VpcId,
            QueryTimestamp = queryTimestamp,
            IngestTime = ingestTime,
            QueryName = fields.QueryName,
            NormalizedQueryName = normalized,
            IsQueryNameValid = valid,
            QueryType = fields.QueryType,
            QueryClass = fields.QueryClass,
            Rcode = fields.Rcode,
            Answers = fields.Answers ?? [],
            SourceAddress = fields.SourceAddress,
            SourcePort = fields.SourcePort,
            Transport = fields.Transport,
            SourceIds = fields.SourceIds,
            FirewallRuleGroupId = fields.FirewallRuleGroupId,
            FirewallRuleAction = fields.FirewallRuleAction,
            FirewallDomainListId = fields.FirewallDomainListId,
        };
    }

    private static bool ReadField(ref Utf8JsonReader reader, string name, RecordFields fields, Route53QueryLogReaderOptions options, Utf8StringCache cache, out RecordError? error)
    {
        var maxLength = options.MaxStringLength;
        switch (name)
        {
            case "version":
                return ReadString(ref reader, name, maxLength, out fields.Version, out error, cache);
            case "account_id":
                return ReadString(ref reader, name, maxLength, out fields.AccountId, out error, cache);
            case "region":
                return ReadString(ref reader, name, maxLength, out fields.Region, out error, cache);
            case "vpc_id":
                return ReadString(ref reader, name, maxLength, out fields.VpcId, out error, cache);
            case "query_timestamp":
                return ReadTimestamp(ref reader, fields, maxLength, out error);
            case "query_name":
                // Not cut to maxLength: a cut name would match the wrong list entries, so Build rejects it.
                return ReadQueryName(ref reader, fields, cache, out error);
            case "query_type":
                return ReadString(ref reader, name, maxLength, out fields.QueryType, out error, cache);
            case "query_class":
                return ReadString(ref reader, name, maxLength, out fields.QueryClass, out error, cache);
            case "rcode":
                return ReadString(ref reader, name, maxLength, out fields.Rcode, out error, cache);
            case "srcaddr":
                // One per instance or endpoint: thousands of them would keep replacing each other in the cache.
                return ReadString(ref reader, name, maxLength, out fields.SourceAddress, out error);
            case "srcport":
                return ReadPort(ref reader, name, out fields.SourcePort, out error);
            case "transport":
                return ReadString(ref reader, name, maxLength, out fields.Transport, out error, cache);
            case "answers":
                return ReadAnswers(ref reader, maxLength, cache, out fields.Answers, out error);
            case "srcids":
                return ReadSourceIds(ref reader, maxLength, cache, out fields.SourceIds, out error);
            case "firewall_rule_group_id":
                return ReadString(ref reader, name, maxLength, out fields.FirewallRuleGroupId, out error, cache);
            case "firewall_rule_action":
                return ReadString(ref reader, name, maxLength, out fields.FirewallRuleAction, out error, cache);
            case "firewall_domain_list_id":
                return ReadString(ref reader, name, maxLength, out fields.FirewallDomainListId, out error, cache);
            default:
                reader.Skip();
                error = null;
                return true;
        }
    }

    /// <summary>
    /// Reads <c>query_timestamp</c>. A string in the usual form is parsed from its bytes; anything else is
    /// kept as text for <see cref="Build"/>, which rejects what does not parse.
    /// </summary>
    private static bool ReadTimestamp(ref Utf8JsonReader reader, RecordFields fields, int maxLength, out RecordError? error)
    {
        if (maxLength >= 20 && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && reader.ValueSpan.Length == 20 && CloudTrailRecordParser.TryParseTimeUtf8(reader.ValueSpan, out var time))
        {
            fields.HasQueryTimestamp = true;
            fields.QueryTimestamp = time;
            fields.QueryTimestampText = null;
            error = null;
            return true;
        }

        fields.HasQueryTimestamp = false;
        return ReadString(ref reader, "query_timestamp", maxLength, out fields.QueryTimestampText, out error);
    }

    /// <summary>
    /// Reads <c>query_name</c>. A name in plain ASCII without capitals is normalised from its bytes and
    /// both strings come from the cache; any other name is normalised by <see cref="DnsQueryName.Normalize"/> in <see cref="Build"/>.
    /// </summary>
    private static bool ReadQueryName(ref Utf8JsonReader reader, RecordFields fields, Utf8StringCache cache, out RecordError? error)
    {
        fields.NormalizedQueryName = null;
        if (!ReadString(ref reader, "query_name", int.MaxValue, out fields.QueryName, out error, cache))
        {
            return false;
        }

        if (fields.QueryName is not null && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            var name = reader.ValueSpan;
            if (name.Length > 1 && name.Length <= Utf8StringCache.MaxCachedBytes && Ascii.IsValid(name) && !name.ContainsAnyInRange((byte)'A', (byte)'Z'))
            {
                var trimmed = name[^1] == (byte)'.' ? name[..^1] : name;
                fields.NormalizedQueryName = cache.Get(trimmed);
                fields.QueryNameValid = DnsQueryName.HasValidLength(fields.NormalizedQueryName);
            }
        }

        return true;
    }

    /// <summary>Reads a string field; a JSON null gives null, and any other type rejects the record.</summary>
    private static bool ReadString(ref Utf8JsonReader reader, string field, int maxLength, out string? value, out RecordError? error, Utf8StringCache? cache = null)
    {
        value = null;
        error = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = CloudTrailRecordParser.Truncate(CloudTrailRecordParser.GetString(ref reader, cache), maxLength);
                return true;
            case JsonTokenType.Null:
                return true;
            default:
                error = WrongType(ref reader, field, "a string");
                return false;
        }
    }

    /// <summary>Reads <c>srcport</c>, which the log writes as a string (<c>"48701"</c>) or as a number.</summary>
    private static bool ReadPort(ref Utf8JsonReader reader, string field, out int? port, out RecordError? error)
    {
        port = null;
        error = null;
        int number;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number:
                if (!reader.TryGetInt32(out number))
                {
                    number = -1;
                }

                break;
            case JsonTokenType.String:
                var text = CloudTrailRecordParser.GetStringOrRawText(ref reader);
                if (text.Length is 0 or > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number))
                {
                    number = -1;
                }

                break;
            default:
                error = WrongType(ref reader, field, "a string or a number");
                return false;
        }

        if (number is < 0 or > 65535)
        {
            error = new RecordError(field, $"invalid port '{CloudTrailRecordParser.Truncate(RawValue(ref reader), 64)}' (expected 0 to 65535)");
            return false;
        }

        port = number;
        return true;
    }

    /// <summary>Reads <c>answers</c>: an array of objects with <c>Rdata</c>, <c>Type</c> and <c>Class</c>, or null.</summary>
    private static bool ReadAnswers(ref Utf8JsonReader reader, int maxLength, Utf8StringCache cache, out IReadOnlyList<DnsAnswer>? answers, out RecordError? error)
    {
        answers = null;
        error = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = WrongType(ref reader, "answers", "an array");
            return false;
        }

        var list = new List<DnsAnswer>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var field = AnswerField(list.Count);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = WrongType(ref reader, field, "an object");
                return false;
            }

            if (!ReadAnswer(ref reader, field, maxLength, cache, out var answer, out error))
            {
                return false;
            }

            list.Add(answer);
        }

        answers = list;
        return true;
    }

    /// <summary>
    /// Reads one answer. The log writes <c>Rdata</c>, <c>Type</c> and <c>Class</c>; the AWS format
    /// description names them <c>rdata</c>, <c>answer_type</c> and <c>answer_class</c>, so both forms are read.
    /// </summary>
    private static bool ReadAnswer(ref Utf8JsonReader reader, string field, int maxLength, Utf8StringCache cache, out DnsAnswer answer, out RecordError? error)
    {
        string? rdata = null, type = null, answerClass = null;
        answer = new DnsAnswer(null, null, null);
        error = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = CloudTrailRecordParser.GetString(ref reader, cache);
            reader.Read();

            // The field name is only needed in an error, so it is made only then.
            var ok = name switch
            {
                "Rdata" or "rdata" => reader.TokenType is JsonTokenType.String or JsonTokenType.Null
                    ? ReadString(ref reader, field, maxLength, out rdata, out error, cache)
                    : ReadString(ref reader, $"{field}.{name}", maxLength, out rdata, out error),
                "Type" or "type" or "answer_type" => reader.TokenType is JsonTokenType.String or JsonTokenType.Null
                    ? ReadString(ref reader, field, maxLength, out type, out error, cache)
                    : ReadString(ref reader, $"{field}.{name}", maxLength, out type, out error),
                "Class" or "class" or "answer_class" => reader.TokenType is JsonTokenType.String or JsonTokenType.Null
                    ? ReadString(ref reader, field, maxLength, out answerClass, out error, cache)
                    : ReadString(ref reader, $"{field}.{name}", maxLength, out answerClass, out error),
                _ => SkipValue(ref reader),
            };

            if (!ok)
            {
                return false;
            }
        }

        answer = new DnsAnswer(rdata, type, answerClass);
        return true;
    }

    /// <summary>Reads <c>srcids</c>: an object with <c>instance</c>, <c>resolver_endpoint</c> and <c>resolver_network_interface</c>, or null.</summary>
    private static bool ReadSourceIds(ref Utf8JsonReader reader, int maxLength, Utf8StringCache cache, out DnsQuerySourceIds? sourceIds, out RecordError? error)
    {
        sourceIds = null;
        error = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = WrongType(ref reader, "srcids", "an object");
            return false;
        }

        string? instance = null, endpoint = null, networkInterface = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = CloudTrailRecordParser.GetString(ref reader, cache);
            reader.Read();
            var ok = name switch
            {
                "instance" => ReadString(ref reader, "srcids.instance", maxLength, out instance, out error),
                "resolver_endpoint" => ReadString(ref reader, "srcids.resolver_endpoint", maxLength, out endpoint, out error, cache),
                "resolver_network_interface" => ReadString(ref reader, "srcids.resolver_network_interface", maxLength, out networkInterface, out error, cache),
                _ => SkipValue(ref reader),
            };

            if (!ok)
            {
                return false;
            }
        }

        sourceIds = new DnsQuerySourceIds { Instance = instance, ResolverEndpoint = endpoint, ResolverNetworkInterface = networkInterface };
        return true;
    }

    private static string AnswerField(int index) => index switch
    {
        0 => "answers[0]",
        1 => "answers[1]",
        2 => "answers[2]",
        _ => $"answers[{index}]",
    };

    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    private static RecordError WrongType(ref Utf8JsonReader reader, string field, string expected) =>
        new(field, $"expected {expected}, found {Describe(reader.TokenType)}");

    private static string RawValue(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String
            ? CloudTrailRecordParser.GetStringOrRawText(ref reader)
            : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    /// <summary>Fields collected while walking a record's top level.</summary>
    private sealed class RecordFields
    {
        public string? Version;
        public string? AccountId;
        public string? Region;
        public string? VpcId;
        public string? QueryTimestampText;
        public bool HasQueryTimestamp;
        public DateTimeOffset QueryTimestamp;
        public string? NormalizedQueryName;
        public bool QueryNameValid;
        public string? QueryName;
        public string? QueryType;
        public string? QueryClass;
        public string? Rcode;
        public IReadOnlyList<DnsAnswer>? Answers;
        public string? SourceAddress;
        public int? SourcePort;
        public string? Transport;
        public DnsQuerySourceIds? SourceIds;
        public string? FirewallRuleGroupId;
        public string? FirewallRuleAction;
        public string? FirewallDomainListId;
    }
}
