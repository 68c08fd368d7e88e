using Vigil.Rules.Events;

namespace Vigil.Rules.Correlation;

/// <summary>The Sigma correlation types Vigil evaluates.</summary>
public enum CorrelationType
{
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
}

/// <summary>One criterion of a correlation condition, such as <c>gte: 100</c>; several are joined with AND.</summary>
public readonly record struct CountCriterion(string Operator, long Value)
{
    public bool IsMet(long count) => Operator switch
    {
        "gt" => count > Value,
        "gte" => count >= Value,
        "lt" => count < Value,
        "lte" => count <= Value,
        _ => count == Value,
    };
}

/// <summary>
/// A compiled Sigma correlation rule over detection rules of one log source. Its state lives in a
/// <see cref="CorrelationState"/> owned by the grain that evaluates it.
/// </summary>
public sealed class CorrelationRule
{
    private long hitCount;

    internal CorrelationRule(
        RuleHeader header,
        CorrelationType type,
        IReadOnlyList<SigmaRule> rules,
        IReadOnlyList<string> groupBy,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> aliases,
        TimeSpan timespan,
        IReadOnlyList<CountCriterion> condition,
        string? valueField)
    {
        Header = header;
        Type = type;
        Rules = rules;
        GroupBy = groupBy;
        Aliases = aliases;
        Timespan = timespan;
        Condition = condition;
        ValueField = valueField;
    }

    public RuleHeader Header { get; }

    public CorrelationType Type { get; }

    /// <summary>The referred detection rules, in the order of <c>rules</c> (the order <c>temporal_ordered</c> requires).</summary>
    public IReadOnlyList<SigmaRule> Rules { get; }

    public IReadOnlyList<string> GroupBy { get; }

    /// <summary>Alias name to (referred rule name to field name).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Aliases { get; }

    public TimeSpan Timespan { get; }

    public IReadOnlyList<CountCriterion> Condition { get; }

    /// <summary>The field whose distinct values a <c>value_count</c> counts.</summary>
    public string? ValueField { get; }

    public SigmaLogSource LogSource => Rules[0].LogSource;

    /// <summary>Times the condition was met in the grains since the rule was compiled, dry-run or not.</summary>
    public long HitCount => Interlocked.Read(ref hitCount);

    internal void CountHit() => Interlocked.Increment(ref hitCount);

    /// <summary>Returns the group-by values of a record matched by the referred rule at <paramref name="ruleIndex"/>, after aliases.</summary>
    internal IReadOnlyList<string> GroupValues(RuleEvent record, int ruleIndex)
    {
        var values = new string[GroupBy.Count];
        for (var i = 0; i < GroupBy.Count; i++)
        {
            var field = GroupBy[i];
            if (Aliases.TryGetValue(field, out var byRule) && Rules[ruleIndex].Header.Name is { } name && byRule.TryGetValue(name, out var aliased))
            {
                field = aliased;
            }

            var lookup = record.Lookup(field);
            values[i] = lookup.Values.Count > 0 ? lookup.Values[0].Text ?? "null" : "(none)";
        }

        return values;
    }

    internal string? CountedValue(RuleEvent record, int ruleIndex)
    {
        if (ValueField is null)
        {
            return null;
        }

        var field = ValueField;
        if (Aliases.TryGetValue(field, out var byRule) && Rules[ruleIndex].Header.Name is { } name && byRule.TryGetValue(name, out var aliased))
        {
            field = aliased;
        }

        var lookup = record.Lookup(field);
        return lookup.Values.Count > 0 ? lookup.Values[0].Text : null;
    }
}
