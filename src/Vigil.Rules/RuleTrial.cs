using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Detection.Network;
using Vigil.Ingestion.Inspection;
using Vigil.Rules.Correlation;

namespace Vigil.Rules;

/// <summary>One finding a rule raised in a trial: the rule, the principal or endpoint, and the finding.</summary>
public sealed record RuleTrialMatch(string Object, Finding Finding);

/// <summary>What a trial read and what the rules raised; <see cref="Truncated"/> when it stopped at a limit.</summary>
public sealed record RuleTrialResult(IReadOnlyList<RuleTrialMatch> Matches, long ObjectsRead, long RecordsRead, IReadOnlyList<string> Errors, bool Truncated);

/// <summary>
/// Runs a rule set over log objects outside the grains, for a test run of a rule's own test events
/// and a back-test over stored logs. It keeps one correlation state per principal or endpoint, as
/// the grains do, and raises findings as if no rule were in dry-run mode, without storing them.
/// </summary>
public sealed class RuleTrial
{
    /// <summary>Most matches listed.</summary>
    public const int MaxMatches = 500;

    /// <summary>Most records read over all objects.</summary>
    public const long MaxRecords = 1_000_000;

    private readonly RuleSet ruleSet;
    private readonly DetectionContext context;
    private readonly LogObjectInspector inspector = new();
    private readonly Dictionary<string, CorrelationState> states = new(StringComparer.Ordinal);
    private readonly List<RuleTrialMatch> matches = [];
    private readonly List<string> errors = [];
    private long objects;
    private long records;
    private bool truncated;

    public RuleTrial(RuleSet ruleSet, string tenantId, TimeProvider clock)
    {
        this.ruleSet = ruleSet;
        context = new DetectionContext(tenantId, ThreatIntelSnapshot.Empty, clock);
    }

    /// <summary>Compiles the rule files with dry-run switched off, so the trial lists what going live would raise.</summary>
    public static RuleSetCompilation Compile(IEnumerable<RuleSource> sources) =>
        RuleSetCompiler.Compile(sources.Select(source => source with { DryRun = false }));

    /// <summary>True when a limit stopped the trial; further objects are not read.</summary>
    public bool Full => truncated;

    /// <summary>Objects read so far.</summary>
    public long ObjectsRead => objects;

    /// <summary>Records read so far over all objects.</summary>
    public long RecordsRead => records;

    /// <summary>Reads one object (any log kind Vigil reads, plain or gzip) and runs the rules over its records.</summary>
    public async Task AddObjectAsync(Stream content, string name, CancellationToken cancellationToken)
    {
        if (truncated)
        {
            return;
        }

        var inspection = await inspector.InspectAsync(content, name, batch =>
        {
            Apply(batch);
            return ValueTask.CompletedTask;
        }, cancellationToken);
        objects++;
        if (inspection.Error is { } error)
        {
            errors.Add(error);
        }
    }

    public RuleTrialResult Result() => new([.. matches], objects, records, [.. errors], truncated);

    private void Apply(LogRecordBatch batch)
    {
        if (truncated)
        {
            return;
        }

        records += batch.Count;
        switch (batch)
        {
            case CloudTrailEventBatch cloudTrail:
                foreach (var group in cloudTrail.Events.GroupBy(PrincipalKey.For, StringComparer.Ordinal))
                {
                    Add(group.Key, ruleSet.InspectCloudTrail([.. group], group.Key, context, State(group.Key)));
                }

                break;
            case FlowRecordBatch flows:
                foreach (var group in flows.Records.GroupBy(EndpointKey.ForFlow, StringComparer.Ordinal))
                {
                    Add(group.Key, ruleSet.InspectFlows([.. group], group.Key, context, State(group.Key)));
                }

                break;
            case DnsQueryRecordBatch queries:
                foreach (var group in queries.Records.GroupBy(EndpointKey.ForDns, StringComparer.Ordinal))
                {
                    Add(group.Key, ruleSet.InspectQueries([.. group], group.Key, context, State(group.Key)));
                }

                break;
        }

        truncated |= records >= MaxRecords;
    }

    private CorrelationState State(string key)
    {
        if (!states.TryGetValue(key, out var state))
        {
            state = new CorrelationState();
            states[key] = state;
        }

        return state;
    }

    private void Add(string key, IReadOnlyList<Finding> findings)
    {
        foreach (var finding in findings)
        {
            if (matches.Count >= MaxMatches)
            {
                truncated = true;
                return;
            }

            matches.Add(new RuleTrialMatch(key, finding));
        }
    }
}
