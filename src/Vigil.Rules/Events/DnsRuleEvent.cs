using Vigil.Contracts.Events;

namespace Vigil.Rules.Events;

/// <summary>
/// A Route 53 Resolver query log record for rule matching. Field names are the log's JSON names:
/// <c>query_name</c> (as logged, usually with a trailing dot), <c>query_type</c>, <c>rcode</c>,
/// <c>srcaddr</c>, <c>srcids.instance</c>, <c>answers.Rdata</c> and so on. <c>answers.*</c> has one
/// value per answer. <c>query_name_normalized</c> is Vigil's addition: the name in lower case without
/// the trailing dot.
/// </summary>
public sealed class DnsRuleEvent(DnsQueryRecord record) : RuleEvent
{
    private static readonly Dictionary<string, Func<DnsQueryRecord, FieldValue>> Fields = new(StringComparer.Ordinal)
    {
        ["version"] = r => FieldValue.Of(r.Version),
        ["account_id"] = r => FieldValue.Of(r.AccountId),
        ["region"] = r => FieldValue.Of(r.Region),
        ["vpc_id"] = r => FieldValue.Of(r.VpcId),
        ["query_timestamp"] = r => FieldValue.Of(r.QueryTimestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", System.Globalization.CultureInfo.InvariantCulture)),
        ["query_name"] = r => FieldValue.Of(r.QueryName),
        ["query_name_normalized"] = r => FieldValue.Of(r.NormalizedQueryName),
        ["query_type"] = r => FieldValue.Of(r.QueryType),
        ["query_class"] = r => FieldValue.Of(r.QueryClass),
        ["rcode"] = r => FieldValue.Of(r.Rcode),
        ["srcaddr"] = r => FieldValue.Of(r.SourceAddress),
        ["srcport"] = r => FieldValue.Of(r.SourcePort),
        ["transport"] = r => FieldValue.Of(r.Transport),
        ["firewall_rule_group_id"] = r => FieldValue.Of(r.FirewallRuleGroupId),
        ["firewall_rule_action"] = r => FieldValue.Of(r.FirewallRuleAction),
        ["firewall_domain_list_id"] = r => FieldValue.Of(r.FirewallDomainListId),
    };

    public DnsQueryRecord Record { get; } = record;

    public override DateTimeOffset Time => Record.QueryTimestamp;

    /// <summary>Returns true for a field name this source knows.</summary>
    public static bool IsKnownField(string field) =>
        Fields.ContainsKey(field) || field.StartsWith("srcids.", StringComparison.Ordinal) || field is "answers" or "answers.Rdata" or "answers.Type" or "answers.Class";

    protected override FieldLookup Resolve(string field)
    {
        if (Fields.TryGetValue(field, out var read))
        {
            return new FieldLookup(true, [read(Record)]);
        }

        switch (field)
        {
            case "srcids.instance":
                return Present(Record.SourceIds?.Instance);
            case "srcids.resolver_endpoint":
                return Present(Record.SourceIds?.ResolverEndpoint);
            case "srcids.resolver_network_interface":
                return Present(Record.SourceIds?.ResolverNetworkInterface);
            case "answers" or "answers.Rdata":
                return Answers(answer => answer.Rdata);
            case "answers.Type":
                return Answers(answer => answer.Type);
            case "answers.Class":
                return Answers(answer => answer.Class);
            default:
                return FieldLookup.Missing;
        }
    }

    protected override IReadOnlyList<string> CollectKeywordTexts()
    {
        var texts = new List<string>();
        foreach (var read in Fields.Values)
        {
            if (read(Record).Text is { } text)
            {
                texts.Add(text);
            }
        }

        foreach (var answer in Record.Answers)
        {
            if (answer.Rdata is { } rdata)
            {
                texts.Add(rdata);
            }
        }

        return texts;
    }

    private static FieldLookup Present(string? value) => value is null ? FieldLookup.Missing : new FieldLookup(true, [FieldValue.Of(value)]);

    private FieldLookup Answers(Func<DnsAnswer, string?> read)
    {
        if (Record.Answers.Count == 0)
        {
            return FieldLookup.Missing;
        }

        var values = Record.Answers.Take(MaxValues).Select(answer => FieldValue.Of(read(answer))).ToList();
        return new FieldLookup(true, values);
    }
}
