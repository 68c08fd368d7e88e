using Vigil.Rules.Events;

namespace Vigil.Rules.Matching;

/// <summary>A compiled search identifier of a rule's detection, or a part of one.</summary>
internal interface ISelection
{
    bool Matches(RuleEvent record, RuleMatchCounters counters);

    /// <summary>Adds the field names this selection reads, for the evidence of a match.</summary>
    void CollectFields(ICollection<string> fields);
}

/// <summary>
/// One <c>field|modifiers: values</c> entry. Values are joined with OR, or with AND under
/// <c>all</c>. A field with several values (an array in the event) matches a value when any of its
/// values does.
/// </summary>
internal sealed class FieldCondition(string field, IReadOnlyList<IValueMatcher> matchers, bool all, bool matchesNull, bool? exists, bool negated) : ISelection
{
    public string Field { get; } = field;

    public bool Matches(RuleEvent record, RuleMatchCounters counters)
    {
        var lookup = record.Lookup(Field);
        if (exists is { } expected)
        {
            return lookup.Exists == expected;
        }

        if (negated)
        {
            // neq: the field is present and equals none of the values.
            return lookup.Exists && !lookup.Values.Any(value => value.IsNull && matchesNull) && !matchers.Any(matcher => AnyValueMatches(matcher, lookup, record, counters));
        }

        if (all)
        {
            if (matchesNull && !IsNullOrMissing(lookup))
            {
                return false;
            }

            foreach (var matcher in matchers)
            {
                if (!AnyValueMatches(matcher, lookup, record, counters))
                {
                    return false;
                }
            }

            return true;
        }

        if (matchesNull && IsNullOrMissing(lookup))
        {
            return true;
        }

        foreach (var matcher in matchers)
        {
            if (AnyValueMatches(matcher, lookup, record, counters))
            {
                return true;
            }
        }

        return false;
    }

    public void CollectFields(ICollection<string> fields) => fields.Add(Field);

    private static bool IsNullOrMissing(FieldLookup lookup) => !lookup.Exists || lookup.Values.Count == 0 || lookup.Values.All(value => value.IsNull);

    private static bool AnyValueMatches(IValueMatcher matcher, FieldLookup lookup, RuleEvent record, RuleMatchCounters counters)
    {
        foreach (var value in lookup.Values)
        {
            if (matcher.IsMatch(value, record, counters))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Values without a field: each is searched in every text value of the record, joined with OR or, under <c>|all</c>, AND.</summary>
internal sealed class KeywordCondition(IReadOnlyList<WildcardPattern> patterns, bool all) : ISelection
{
    public bool Matches(RuleEvent record, RuleMatchCounters counters)
    {
        var texts = record.KeywordTexts();
        return all
            ? patterns.All(pattern => texts.Any(pattern.IsMatch))
            : patterns.Any(pattern => texts.Any(pattern.IsMatch));
    }

    public void CollectFields(ICollection<string> fields)
    {
    }
}

/// <summary>The entries of a YAML mapping, joined with AND.</summary>
internal sealed class AllOfSelection(IReadOnlyList<ISelection> parts) : ISelection
{
    public bool Matches(RuleEvent record, RuleMatchCounters counters)
    {
        foreach (var part in parts)
        {
            if (!part.Matches(record, counters))
            {
                return false;
            }
        }

        return true;
    }

    public void CollectFields(ICollection<string> fields)
    {
        foreach (var part in parts)
        {
            part.CollectFields(fields);
        }
    }
}

/// <summary>The items of a YAML list, joined with OR.</summary>
internal sealed class AnyOfSelection(IReadOnlyList<ISelection> parts) : ISelection
{
    public bool Matches(RuleEvent record, RuleMatchCounters counters)
    {
        foreach (var part in parts)
        {
            if (part.Matches(record, counters))
            {
                return true;
            }
        }

        return false;
    }

    public void CollectFields(ICollection<string> fields)
    {
        foreach (var part in parts)
        {
            part.CollectFields(fields);
        }
    }
}
