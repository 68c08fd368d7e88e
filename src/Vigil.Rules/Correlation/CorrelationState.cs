namespace Vigil.Rules.Correlation;

/// <summary>
/// The open correlation windows of one grain: for each correlation rule and group, the matching
/// events still inside the rule's timespan. Windows run on event time, so a replay of old logs
/// correlates as the live run did. The state is bounded: a group keeps at most
/// <see cref="MaxEntriesPerGroup"/> events and a correlation rule at most <see cref="MaxGroups"/>
/// groups, dropping the oldest first. Not thread-safe: one grain owns it.
/// </summary>
public sealed class CorrelationState
{
    public const int MaxEntriesPerGroup = 1_000;

    public const int MaxGroups = 1_000;

    private readonly Dictionary<CorrelationRule, Dictionary<string, GroupWindow>> windows = new(ReferenceEqualityComparer.Instance);

    /// <summary>The rule set the windows belong to; the windows are dropped when another set is evaluated.</summary>
    internal RuleSet? RuleSet { get; private set; }

    /// <summary>Number of groups with open windows, over all correlation rules.</summary>
    public int GroupCount => windows.Values.Sum(groups => groups.Count);

    internal void Bind(RuleSet ruleSet)
    {
        if (!ReferenceEquals(RuleSet, ruleSet))
        {
            windows.Clear();
            RuleSet = ruleSet;
        }
    }

    /// <summary>
    /// Adds one event that a referred rule matched and returns the window that meets the condition,
    /// if any. A met window is cleared, so the next finding needs a fresh set of events.
    /// </summary>
    internal CorrelationHit? Add(CorrelationRule rule, IReadOnlyList<string> groupValues, DateTimeOffset time, int ruleIndex, string? value)
    {
        if (!windows.TryGetValue(rule, out var groups))
        {
            groups = new Dictionary<string, GroupWindow>(StringComparer.Ordinal);
            windows[rule] = groups;
        }

        var groupKey = string.Join('\u001f', groupValues);
        if (!groups.TryGetValue(groupKey, out var window))
        {
            if (groups.Count >= MaxGroups)
            {
                var oldest = groups.MinBy(pair => pair.Value.LastTouched).Key;
                groups.Remove(oldest);
            }

            window = new GroupWindow();
            groups[groupKey] = window;
        }

        window.Add(new WindowEntry(time, ruleIndex, value), rule.Timespan);
        var hit = window.FindMet(rule, time);
        if (hit is { } found)
        {
            groups.Remove(groupKey);
            return found with { GroupValues = groupValues };
        }

        return null;
    }

    internal readonly record struct WindowEntry(DateTimeOffset Time, int RuleIndex, string? Value);

    private sealed class GroupWindow
    {
        private readonly List<WindowEntry> entries = [];

        public DateTimeOffset LastTouched { get; private set; }

        public void Add(WindowEntry entry, TimeSpan span)
        {
            // Keep the entries sorted by event time; logs arrive roughly in order, so the search is short.
            var index = entries.Count;
            while (index > 0 && entries[index - 1].Time > entry.Time)
            {
                index--;
            }

            entries.Insert(index, entry);
            var newest = entries[^1].Time;
            var cutoff = newest - span;
            var expired = 0;
            while (expired < entries.Count && entries[expired].Time < cutoff)
            {
                expired++;
            }

            if (entries.Count - expired > MaxEntriesPerGroup)
            {
                expired = entries.Count - MaxEntriesPerGroup;
            }

            entries.RemoveRange(0, expired);
            LastTouched = newest;
        }

        /// <summary>Checks every window of the timespan that contains <paramref name="time"/>, each starting at an entry.</summary>
        public CorrelationHit? FindMet(CorrelationRule rule, DateTimeOffset time)
        {
            for (var start = 0; start < entries.Count; start++)
            {
                var from = entries[start].Time;
                if (from > time)
                {
                    break;
                }

                if (time - from > rule.Timespan)
                {
                    continue;
                }

                var end = start;
                while (end + 1 < entries.Count && entries[end + 1].Time - from <= rule.Timespan)
                {
                    end++;
                }

                var slice = entries.GetRange(start, end - start + 1);
                var count = Measure(rule, slice);
                if (count is { } measured && rule.Condition.All(criterion => criterion.IsMet(measured)))
                {
                    return new CorrelationHit([], measured, slice.Count, slice[0].Time, slice[^1].Time);
                }
            }

            return null;
        }

        private static long? Measure(CorrelationRule rule, List<WindowEntry> slice)
        {
            switch (rule.Type)
            {
                case CorrelationType.EventCount:
                    return slice.Count;
                case CorrelationType.ValueCount:
                    return slice.Where(entry => entry.Value is not null).Select(entry => entry.Value).Distinct(StringComparer.Ordinal).LongCount();
                case CorrelationType.Temporal:
                    return slice.Select(entry => entry.RuleIndex).Distinct().LongCount();
                default:
                    // temporal_ordered: how many of the referred rules matched one after another, in order.
                    var next = 0;
                    foreach (var entry in slice)
                    {
                        if (next < rule.Rules.Count && entry.RuleIndex == next)
                        {
                            next++;
                        }
                    }

                    return next;
            }
        }
    }
}

/// <summary>A correlation whose condition was met: the group, the measured count, the events in the window and its time range.</summary>
internal sealed record CorrelationHit(IReadOnlyList<string> GroupValues, long Count, int Events, DateTimeOffset First, DateTimeOffset Last);
