using Vigil.Rules.Events;
using Vigil.Rules.Matching;
using Vigil.Rules.Parsing;

namespace Vigil.Rules;

/// <summary>
/// A compiled Sigma detection rule. It is immutable and shared by every grain of the tenant;
/// matching keeps no state, so many grains may call <see cref="Matches"/> at once.
/// </summary>
public sealed class SigmaRule
{
    private readonly CompiledDetection detection;
    private long regexTimeouts;
    private long matchCount;

    internal SigmaRule(RuleHeader header, SigmaLogSource logSource, CompiledDetection detection)
    {
        Header = header;
        LogSource = logSource;
        this.detection = detection;
    }

    public RuleHeader Header { get; }

    public SigmaLogSource LogSource { get; }

    /// <summary>False when the rule is only referred to by correlation rules that do not set <c>generate: true</c>.</summary>
    public bool RaisesFindings { get; internal set; } = true;

    /// <summary>Regular-expression matches of this rule that were abandoned at the timeout since it was compiled.</summary>
    public long RegexTimeouts => Interlocked.Read(ref regexTimeouts);

    /// <summary>Records this rule matched in the grains since it was compiled, dry-run or not.</summary>
    public long MatchCount => Interlocked.Read(ref matchCount);

    internal void CountMatch() => Interlocked.Increment(ref matchCount);

    public bool Matches(RuleEvent record)
    {
        var counters = new RuleMatchCounters();
        var matched = Evaluate(detection.Condition, record, counters);
        if (counters.RegexTimeouts > 0)
        {
            Interlocked.Add(ref regexTimeouts, counters.RegexTimeouts);
        }

        return matched;
    }

    /// <summary>Returns the fields of the selections that matched outside a <c>not</c>, with their values, for the evidence of a match.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Evidence(RuleEvent record, int maxFields = 16, int maxLength = 256)
    {
        var fields = new List<string>();
        var counters = new RuleMatchCounters();
        foreach (var index in detection.PositiveSelections.Order())
        {
            if (detection.Selections[index].Matches(record, counters))
            {
                detection.Selections[index].CollectFields(fields);
            }
        }

        var evidence = new List<KeyValuePair<string, string>>();
        foreach (var field in fields.Distinct(StringComparer.Ordinal))
        {
            var lookup = record.Lookup(field);
            if (!lookup.Exists)
            {
                continue;
            }

            var text = string.Join(", ", lookup.Values.Take(8).Select(value => value.Text ?? "null"));
            evidence.Add(new(field, text.Length <= maxLength ? text : text[..maxLength] + "…"));
            if (evidence.Count >= maxFields)
            {
                break;
            }
        }

        return evidence;
    }

    private bool Evaluate(ConditionNode node, RuleEvent record, RuleMatchCounters counters) => node switch
    {
        SelectionReference reference => detection.Selections[reference.Index].Matches(record, counters),
        NotNode not => !Evaluate(not.Operand, record, counters),
        AndNode and => and.Operands.All(operand => Evaluate(operand, record, counters)),
        OrNode or => or.Operands.Any(operand => Evaluate(operand, record, counters)),
        _ => false,
    };
}

/// <summary>
/// What detection and correlation rules share: identity, texts, level, tags, and the finding type
/// and severity their matches raise.
/// </summary>
public sealed record RuleHeader
{
    /// <summary>The rule's <c>id</c>, else its <c>name</c>, else its title; the aggregation key of its findings.</summary>
    public required string Key { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    public required SigmaLevel Level { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The finding type in GuardDuty's scheme, such as <c>Persistence:IAMUser/SigmaRule.Custom</c>.</summary>
    public required string FindingType { get; init; }

    /// <summary>GuardDuty severity, 1.0 to 10.0.</summary>
    public required double Severity { get; init; }

    /// <summary>The file or stored rule the rule came from.</summary>
    public required string Source { get; init; }

    public required int Line { get; init; }

    /// <summary>True when the rule's file was saved in dry-run mode: matches are counted, no finding is raised.</summary>
    public bool DryRun { get; init; }
}
