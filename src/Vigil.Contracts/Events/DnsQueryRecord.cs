namespace Vigil.Contracts.Events;

/// <summary>
/// One Route 53 Resolver query log record after normalisation. Every string comes from the log and
/// is attacker-controlled: render it as text and never trust its length beyond the reader's bounds.
/// Fields that the record does not have are null.
/// </summary>
public sealed record DnsQueryRecord
{
    /// <summary>The record's <c>version</c>: the log format version as written, such as <c>1.100000</c>.</summary>
    public string? Version { get; init; }

    /// <summary>The record's <c>account_id</c>: the account that owns the VPC the query came from.</summary>
    public string? AccountId { get; init; }

    /// <summary>The record's <c>region</c>: the AWS Region of the VPC.</summary>
    public string? Region { get; init; }

    /// <summary>The record's <c>vpc_id</c>: the VPC the query came from.</summary>
    public string? VpcId { get; init; }

    /// <summary>The record's <c>query_timestamp</c> in UTC.</summary>
    public required DateTimeOffset QueryTimestamp { get; init; }

    /// <summary>When Vigil read the record (wall clock, UTC); kept apart from <see cref="QueryTimestamp"/>.</summary>
    public required DateTimeOffset IngestTime { get; init; }

    /// <summary>The record's <c>query_name</c> exactly as logged, usually with a trailing dot.</summary>
    public required string QueryName { get; init; }

    /// <summary>
    /// The query name used for matching: trailing dot removed, ASCII letters in lower case and a
    /// non-ASCII name converted to punycode (<c>xn--</c> labels). The root name stays <c>.</c>.
    /// When <see cref="IsQueryNameValid"/> is false, this is the name as logged.
    /// </summary>
    public required string NormalizedQueryName { get; init; }

    /// <summary>
    /// False when the query name has an empty label, a label over 63 characters, more than 253
    /// characters in all, or non-ASCII text that cannot be converted to punycode.
    /// </summary>
    public required bool IsQueryNameValid { get; init; }

    /// <summary>The record's <c>query_type</c> as written, such as <c>A</c>, <c>ANY</c> or <c>TYPE65</c>.</summary>
    public string? QueryType { get; init; }

    /// <summary>The record's <c>query_class</c>, such as <c>IN</c>.</summary>
    public string? QueryClass { get; init; }

    /// <summary>The record's <c>rcode</c>: the DNS response code, such as <c>NOERROR</c> or <c>NXDOMAIN</c>.</summary>
    public string? Rcode { get; init; }

    /// <summary>The record's <c>answers</c>, in log order; empty when the response had none.</summary>
    public IReadOnlyList<DnsAnswer> Answers { get; init; } = [];

    /// <summary>The record's <c>srcaddr</c>: the IP address of the client that sent the query.</summary>
    public string? SourceAddress { get; init; }

    /// <summary>The record's <c>srcport</c>, which the log writes as a JSON string or number.</summary>
    public int? SourcePort { get; init; }

    /// <summary>The record's <c>transport</c>: <c>UDP</c> or <c>TCP</c>.</summary>
    public string? Transport { get; init; }

    /// <summary>The record's <c>srcids</c>: the instance or Resolver endpoint that sent the query.</summary>
    public DnsQuerySourceIds? SourceIds { get; init; }

    /// <summary>The record's <c>firewall_rule_group_id</c>; set only when a DNS Firewall rule matched.</summary>
    public string? FirewallRuleGroupId { get; init; }

    /// <summary>The record's <c>firewall_rule_action</c>, such as <c>ALERT</c> or <c>BLOCK</c>; set only when a DNS Firewall rule matched.</summary>
    public string? FirewallRuleAction { get; init; }

    /// <summary>The record's <c>firewall_domain_list_id</c>; set only when a DNS Firewall rule matched.</summary>
    public string? FirewallDomainListId { get; init; }
}
