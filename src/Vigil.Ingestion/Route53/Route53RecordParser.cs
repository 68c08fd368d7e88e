using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.VpcFlow;

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
        var fields = default(RecordFields);
        var cache = Utf8StringCache.ForCurrentThread;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = Route53FieldNames.Identify(ref reader);
            reader.Read();
            if (!ReadField(ref reader, name, ref fields, options, cache, out error))
            {
                return null;
            }
        }

        return Build(ref fields, ingestTime, options, out error);
    }

    /// <summary>Builds the record from the fields of its top level, or returns null and the reason it was rejected.</summary>
    internal static DnsQueryRecord? Build(ref RecordFields fields, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options, out RecordError? error)
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

    private static bool ReadField(ref Utf8JsonReader reader, Route53Field name, ref RecordFields fields, Route53QueryLogReaderOptions options, Utf8StringCache cache, out RecordError? error)
    {
        var maxLength = options.MaxStringLength;
        switch (name)
        {
            case Route53Field.Version:
                return ReadString(ref reader, "version", maxLength, out fields.Version, out error, cache);
            case Route53Field.AccountId:
                return ReadString(ref reader, "account_id", maxLength, out fields.AccountId, out error, cache);
            case Route53Field.Region:
                return ReadString(ref reader, "region", maxLength, out fields.Region, out error, cache);
            case Route53Field.VpcId:
                return ReadString(ref reader, "vpc_id", maxLength, out fields.VpcId, out error, cache);
            case Route53Field.QueryTimestamp:
                return ReadTimestamp(ref reader, ref fields, maxLength, out error);
            case Route53Field.QueryName:
                // Not cut to maxLength: a cut name would match the wrong list entries, so Build rejects it.
                return ReadQueryName(ref reader, ref fields, cache, out error);
            case Route53Field.QueryType:
                return ReadString(ref reader, "query_type", maxLength, out fields.QueryType, out error, cache);
            case Route53Field.QueryClass:
                return ReadString(ref reader, "query_class", maxLength, out fields.QueryClass, out error, cache);
            case Route53Field.Rcode:
                return ReadString(ref reader, "rcode", maxLength, out fields.Rcode, out error, cache);
            case Route53Field.SourceAddress:
                return ReadAddress(ref reader, "srcaddr", maxLength, out fields.SourceAddress, out error, cache);
            case Route53Field.SourcePort:
                return ReadPort(ref reader, "srcport", out fields.SourcePort, out error);
            case Route53Field.Transport:
                return ReadString(ref reader, "transport", maxLength, out fields.Transport, out error, cache);
            case Route53Field.Answers:
                return ReadAnswers(ref reader, maxLength, cache, out fields.Answers, out error);
            case Route53Field.SourceIds:
                return ReadSourceIds(ref reader, maxLength, cache, out fields.SourceIds, out error);
            case Route53Field.FirewallRuleGroupId:
                return ReadString(ref reader, "firewall_rule_group_id", maxLength, out fields.FirewallRuleGroupId, out error, cache);
            case Route53Field.FirewallRuleAction:
                return ReadString(ref reader, "firewall_rule_action", maxLength, out fields.FirewallRuleAction, out error, cache);
            case Route53Field.FirewallDomainListId:
                return ReadString(ref reader, "firewall_domain_list_id", maxLength, out fields.FirewallDomainListId, out error, cache);
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
    private static bool ReadTimestamp(ref Utf8JsonReader reader, ref RecordFields fields, int maxLength, out RecordError? error)
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
    /// Reads <c>query_name</c>. A name read before comes from <see cref="QueryNameCache"/> with its
    /// normalised form. A new name in plain ASCII without capitals is normalised from its bytes, both
    /// strings come from the cache, and the name joins <see cref="QueryNameCache"/>. Any other name is
    /// normalised by <see cref="DnsQueryName.Normalize"/> in <see cref="Build"/>.
    /// </summary>
    private static bool ReadQueryName(ref Utf8JsonReader reader, ref RecordFields fields, Utf8StringCache cache, out RecordError? error)
    {
        fields.NormalizedQueryName = null;
        var plain = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;
        var names = QueryNameCache.ForCurrentThread;
        if (plain && names.TryFind(reader.ValueSpan, out var known, out var normalized, out var valid))
        {
            fields.QueryName = known;
            fields.NormalizedQueryName = normalized;
            fields.QueryNameValid = valid;
            error = null;
            return true;
        }

        if (!ReadString(ref reader, "query_name", int.MaxValue, out fields.QueryName, out error, cache))
        {
            return false;
        }

        if (fields.QueryName is not null && plain)
        {
            NormalizePlainName(reader.ValueSpan, ref fields, cache, names);
        }

        return true;
    }

    /// <summary>
    /// Sets the normalised form of a new query name written without escapes, whose string is already in
    /// <paramref name="fields"/>, when the name is plain ASCII without capitals, and adds the name to
    /// <paramref name="names"/>. Any other name keeps a null normalised form for <see cref="Build"/>.
    /// </summary>
    internal static void NormalizePlainName(ReadOnlySpan<byte> name, ref RecordFields fields, Utf8StringCache cache, QueryNameCache names)
    {
        if (name.Length > 1 && name.Length <= Utf8StringCache.MaxCachedBytes && Ascii.IsValid(name) && !name.ContainsAnyInRange((byte)'A', (byte)'Z'))
        {
            var trimmed = name[^1] == (byte)'.' ? name[..^1] : name;
            fields.NormalizedQueryName = cache.Get(trimmed);
            fields.QueryNameValid = DnsQueryName.HasValidLength(fields.NormalizedQueryName);
            names.Add(name, fields.QueryName!, fields.NormalizedQueryName, fields.QueryNameValid);
        }
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

    /// <summary>
    /// Reads a string field that usually contains an address. An IPv4 address in its one canonical spelling
    /// comes from the cache's address table, which the thousands of client addresses of a busy VPC do
    /// not push other values out of. Any other value is read as <see cref="ReadString"/> reads it.
    /// </summary>
    private static bool ReadAddress(ref Utf8JsonReader reader, string field, int maxLength, out string? value, out RecordError? error, Utf8StringCache cache, bool cacheOtherText = false)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && FlowRecordBuilder.TryParseCanonicalIpv4(reader.ValueSpan, out var address))
        {
            value = cache.GetIpv4(address, reader.ValueSpan);
            error = null;
            return true;
        }

        return ReadString(ref reader, field, maxLength, out value, out error, cacheOtherText ? cache : null);
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

        var collected = new DnsAnswerCollector();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var field = AnswerField(collected.Count);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = WrongType(ref reader, field, "an object");
                return false;
            }

            if (!ReadAnswer(ref reader, field, maxLength, cache, out var answer, out error))
            {
                return false;
            }

            collected.Add(answer);
        }

        answers = collected.ToList();
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
            var name = Route53FieldNames.Identify(ref reader);
            var writtenName = reader.ValueSpan;
            var unescapedName = reader.ValueIsEscaped ? CloudTrailRecordParser.GetStringOrRawText(ref reader) : null;
            reader.Read();

            var known = name is Route53Field.Rdata or Route53Field.AnswerType or Route53Field.AnswerClass;
            if (known && reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                // The property name as written is only needed in an error, so it is made only then.
                error = WrongType(ref reader, $"{field}.{unescapedName ?? Encoding.UTF8.GetString(writtenName)}", "a string");
                return false;
            }

            var ok = name switch
            {
                Route53Field.Rdata => ReadAddress(ref reader, field, maxLength, out rdata, out error, cache, cacheOtherText: true),
                Route53Field.AnswerType => ReadString(ref reader, field, maxLength, out type, out error, cache),
                Route53Field.AnswerClass => ReadString(ref reader, field, maxLength, out answerClass, out error, cache),
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
            var name = Route53FieldNames.Identify(ref reader);
            reader.Read();
            var ok = name switch
            {
                Route53Field.Instance => ReadString(ref reader, "srcids.instance", maxLength, out instance, out error),
                Route53Field.ResolverEndpoint => ReadString(ref reader, "srcids.resolver_endpoint", maxLength, out endpoint, out error, cache),
                Route53Field.ResolverNetworkInterface => ReadString(ref reader, "srcids.resolver_network_interface", maxLength, out networkInterface, out error, cache),
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

    /// <summary>Fields collected while walking a record's top level, on the stack so a record costs no extra object.</summary>
    internal struct RecordFields
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
