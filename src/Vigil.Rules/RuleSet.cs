using System.Globalization;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Rules.Correlation;
using Vigil.Rules.Events;

namespace Vigil.Rules;

/// <summary>
/// One tenant's compiled rules, immutable and shared by every grain of the tenant. A grain calls
/// one Inspect method per chunk of records; the rules were compiled once when the set was built,
/// so no rule text is read per record.
/// </summary>
public sealed class RuleSet
{
    private readonly Dictionary<SigmaLogSource, SigmaRule[]> rulesBySource;
    private readonly Dictionary<SigmaRule, (CorrelationRule Correlation, int Index)[]> correlationsByRule;

    internal RuleSet(string version, IReadOnlyList<SigmaRule> rules, IReadOnlyList<CorrelationRule> correlations)
    {
        Version = version;
        Rules = rules;
        Correlations = correlations;
        rulesBySource = rules.GroupBy(rule => rule.LogSource).ToDictionary(group => group.Key, group => group.ToArray());
        correlationsByRule = correlations
            .SelectMany(correlation => correlation.Rules.Select((rule, index) => (rule, correlation, index)))
            .GroupBy(item => item.rule)
            .ToDictionary(group => group.Key, group => group.Select(item => (item.correlation, item.index)).ToArray());
    }

    public static RuleSet Empty { get; } = new("empty", [], []);

    /// <summary>A text that changes whenever the rule texts change; the refresh service compares it.</summary>
    public string Version { get; }

    public IReadOnlyList<SigmaRule> Rules { get; }

    public IReadOnlyList<CorrelationRule> Correlations { get; }

    public bool Has(SigmaLogSource source) => rulesBySource.ContainsKey(source);

    /// <summary>
    /// Returns a rule set with the rules and correlations of one file, plus the rules of other
    /// files that its correlations refer to; for trying one file without the tenant's other rules.
    /// </summary>
    public RuleSet Restrict(string source)
    {
        var correlations = Correlations.Where(correlation => correlation.Header.Source == source).ToList();
        var referred = correlations.SelectMany(correlation => correlation.Rules).ToHashSet();
        var rules = Rules.Where(rule => rule.Header.Source == source || referred.Contains(rule)).ToList();
        return new RuleSet(Version + "|" + source, rules, correlations);
    }

    /// <summary>Runs the CloudTrail rules over one principal's records and returns one aggregated finding per finding id.</summary>
    public IReadOnlyList<Finding> InspectCloudTrail(IReadOnlyList<CloudTrailEvent> records, string principalKey, DetectionContext context, CorrelationState state) =>
        Inspect(SigmaLogSource.CloudTrail, records, record => new CloudTrailRuleEvent(record), state,
            (record, header, info) => RuleFindings.ForCloudTrail(record, principalKey, context, header, info));

    /// <summary>Runs the flow log rules over one endpoint's records.</summary>
    public IReadOnlyList<Finding> InspectFlows(IReadOnlyList<FlowRecord> records, string endpointKey, DetectionContext context, CorrelationState state) =>
        Inspect(SigmaLogSource.VpcFlow, records, record => new FlowRuleEvent(record), state,
            (record, header, info) => RuleFindings.ForFlow(record, endpointKey, context, header, info));

    /// <summary>Runs the Resolver query log rules over one endpoint's queries.</summary>
    public IReadOnlyList<Finding> InspectQueries(IReadOnlyList<DnsQueryRecord> records, string endpointKey, DetectionContext context, CorrelationState state) =>
        Inspect(SigmaLogSource.Route53Resolver, records, record => new DnsRuleEvent(record), state,
            (record, header, info) => RuleFindings.ForDns(record, endpointKey, context, header, info));

    /// <summary>Returns the rules and the records they matched, without raising findings or touching correlation state; for tests and back-tests.</summary>
    public IReadOnlyList<(SigmaRule Rule, int RecordIndex)> Match(SigmaLogSource source, IReadOnlyList<RuleEvent> records)
    {
        var matches = new List<(SigmaRule, int)>();
        if (!rulesBySource.TryGetValue(source, out var rules))
        {
            return matches;
        }

        for (var i = 0; i < records.Count; i++)
        {
            foreach (var rule in rules)
            {
                if (rule.Matches(records[i]))
                {
                    matches.Add((rule, i));
                }
            }
        }

        return matches;
    }

    private IReadOnlyList<Finding> Inspect<TRecord>(
        SigmaLogSource source,
        IReadOnlyList<TRecord> records,
        Func<TRecord, RuleEvent> wrap,
        CorrelationState state,
        Func<TRecord, RuleHeader, Dictionary<string, string>, Finding> raise)
    {
        if (!rulesBySource.TryGetValue(source, out var rules) || records.Count == 0)
        {
            return [];
        }

        state.Bind(this);
        var raised = new List<Finding>();
        foreach (var record in records)
        {
            using var view = wrap(record);
            foreach (var rule in rules)
            {
                if (!rule.Matches(view))
                {
                    continue;
                }

                rule.CountMatch();
                if (rule.RaisesFindings && !rule.Header.DryRun)
                {
                    raised.Add(raise(record, rule.Header, RuleFindings.MatchInfo(rule.Evidence(view))));
                }

                if (correlationsByRule.TryGetValue(rule, out var correlations))
                {
                    foreach (var (correlation, index) in correlations)
                    {
                        var hit = state.Add(correlation, correlation.GroupValues(view, index), view.Time, index, correlation.CountedValue(view, index));
                        if (hit is not null)
                        {
                            correlation.CountHit();
                        }

                        if (hit is not null && !correlation.Header.DryRun)
                        {
                            raised.Add(raise(record, correlation.Header, CorrelationInfo(correlation, hit)));
                        }
                    }
                }
            }
        }

        return FindingAggregation.MergeById(raised);
    }

    private static Dictionary<string, string> CorrelationInfo(CorrelationRule correlation, CorrelationHit hit)
    {
        var info = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["correlationType"] = correlation.Type switch
            {
                CorrelationType.EventCount => "event_count",
                CorrelationType.ValueCount => "value_count",
                CorrelationType.Temporal => "temporal",
                _ => "temporal_ordered",
            },
            ["correlationCount"] = hit.Count.ToString(CultureInfo.InvariantCulture),
            ["correlationEvents"] = hit.Events.ToString(CultureInfo.InvariantCulture),
            ["correlationFirstEvent"] = hit.First.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["correlationLastEvent"] = hit.Last.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < correlation.GroupBy.Count; i++)
        {
            var value = hit.GroupValues[i];
            info["group." + correlation.GroupBy[i]] = value.Length <= 256 ? value : value[..256] + "…";
        }

        return info;
    }
}
