using System.Text.Json;

namespace Vigil.Ingestion.Route53;

/// <summary>The properties of a Resolver query log record that <see cref="Route53RecordParser"/> reads.</summary>
internal enum Route53Field
{
    /// <summary>Any other name, whose value is skipped.</summary>
    Unknown,

    Version,
    AccountId,
    Region,
    VpcId,
    QueryTimestamp,
    QueryName,
    QueryType,
    QueryClass,
    Rcode,
    Answers,
    SourceAddress,
    SourcePort,
    Transport,
    SourceIds,
    FirewallRuleGroupId,
    FirewallRuleAction,
    FirewallDomainListId,

    /// <summary><c>Rdata</c> or <c>rdata</c> of an answer.</summary>
    Rdata,

    /// <summary><c>Type</c>, <c>type</c> or <c>answer_type</c> of an answer.</summary>
    AnswerType,

    /// <summary><c>Class</c>, <c>class</c> or <c>answer_class</c> of an answer.</summary>
    AnswerClass,

    /// <summary><c>instance</c> of <c>srcids</c>.</summary>
    Instance,

    /// <summary><c>resolver_endpoint</c> of <c>srcids</c>.</summary>
    ResolverEndpoint,

    /// <summary><c>resolver_network_interface</c> of <c>srcids</c>.</summary>
    ResolverNetworkInterface,
}

/// <summary>
/// Matches property names as UTF-8 bytes, so a record's fifteen or so names cost no string and no
/// hash each. Names are case-sensitive, as in the log. The caller decides which names apply at
/// its level: an answer's <c>Type</c> at the top level is skipped like any unknown name.
/// </summary>
internal static class Route53FieldNames
{
    // No known name is longer than 26 characters, which escaped as \uXXXX take at most 156 bytes.
    private const int MaxEscapedNameBytes = 256;

    /// <summary>Identifies the property name at <paramref name="reader"/>, unescaping it first when it has escapes.</summary>
    public static Route53Field Identify(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Identify(reader.ValueSpan);
        }

        if (reader.ValueSpan.Length > MaxEscapedNameBytes)
        {
            return Route53Field.Unknown;
        }

        // Unescaped text is never longer than its escaped form, so the buffer is large enough.
        Span<byte> unescaped = stackalloc byte[MaxEscapedNameBytes];
        try
        {
            var length = reader.CopyString(unescaped);
            return Identify(unescaped[..length]);
        }
        catch (InvalidOperationException)
        {
            // An escape that is not valid UTF-16, such as a lone surrogate, is no known name.
            return Route53Field.Unknown;
        }
    }

    public static Route53Field Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 when name.SequenceEqual("Type"u8) || name.SequenceEqual("type"u8) => Route53Field.AnswerType,
        5 when name.SequenceEqual("rcode"u8) => Route53Field.Rcode,
        5 when name.SequenceEqual("Rdata"u8) || name.SequenceEqual("rdata"u8) => Route53Field.Rdata,
        5 when name.SequenceEqual("Class"u8) || name.SequenceEqual("class"u8) => Route53Field.AnswerClass,
        6 when name.SequenceEqual("region"u8) => Route53Field.Region,
        6 when name.SequenceEqual("vpc_id"u8) => Route53Field.VpcId,
        6 when name.SequenceEqual("srcids"u8) => Route53Field.SourceIds,
        7 when name.SequenceEqual("version"u8) => Route53Field.Version,
        7 when name.SequenceEqual("srcaddr"u8) => Route53Field.SourceAddress,
        7 when name.SequenceEqual("srcport"u8) => Route53Field.SourcePort,
        7 when name.SequenceEqual("answers"u8) => Route53Field.Answers,
        8 when name.SequenceEqual("instance"u8) => Route53Field.Instance,
        9 when name.SequenceEqual("transport"u8) => Route53Field.Transport,
        10 when name.SequenceEqual("account_id"u8) => Route53Field.AccountId,
        10 when name.SequenceEqual("query_name"u8) => Route53Field.QueryName,
        10 when name.SequenceEqual("query_type"u8) => Route53Field.QueryType,
        11 when name.SequenceEqual("query_class"u8) => Route53Field.QueryClass,
        11 when name.SequenceEqual("answer_type"u8) => Route53Field.AnswerType,
        12 when name.SequenceEqual("answer_class"u8) => Route53Field.AnswerClass,
        15 when name.SequenceEqual("query_timestamp"u8) => Route53Field.QueryTimestamp,
        17 when name.SequenceEqual("resolver_endpoint"u8) => Route53Field.ResolverEndpoint,
        20 when name.SequenceEqual("firewall_rule_action"u8) => Route53Field.FirewallRuleAction,
        22 when name.SequenceEqual("firewall_rule_group_id"u8) => Route53Field.FirewallRuleGroupId,
        23 when name.SequenceEqual("firewall_domain_list_id"u8) => Route53Field.FirewallDomainListId,
        26 when name.SequenceEqual("resolver_network_interface"u8) => Route53Field.ResolverNetworkInterface,
        _ => Route53Field.Unknown,
    };
}
