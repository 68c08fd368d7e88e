namespace Vigil.Detection.Profiles;

/// <summary>
/// The profile's undo log, as in the endpoint profile. A grain call whose findings fail to store puts
/// the profile back with it, at a cost that grows with what the call changed.
/// </summary>
public sealed partial class BehaviorProfile
{
    private ChangeLog? changes;

    /// <summary>True between <see cref="BeginChanges"/> and <see cref="CommitChanges"/> or <see cref="RollBackChanges"/>.</summary>
    public bool IsRecordingChanges => changes is not null;

    /// <summary>
    /// Starts recording changes, so that <see cref="RollBackChanges"/> can restore the profile as it
    /// is now. A recording still open is committed first.
    /// </summary>
    public void BeginChanges() =>
        changes = new ChangeLog(dimensions.Length, new Counters(firstDay, lastDay, lastActiveDay, EventCount, ActiveDays, hoursDay, hoursCountedToday), [.. hours]);

    /// <summary>Keeps the changes since <see cref="BeginChanges"/> and stops recording.</summary>
    public void CommitChanges() => changes = null;

    /// <summary>Puts the profile back as it was at <see cref="BeginChanges"/>, with its values in the same order.</summary>
    /// <exception cref="InvalidOperationException">No recording was started.</exception>
    public void RollBackChanges()
    {
        if (changes is null)
        {
            throw new InvalidOperationException("The behaviour profile is not recording changes; call BeginChanges first.");
        }

        for (var dimension = 0; dimension < dimensions.Length; dimension++)
        {
            if (changes.TableCopies[dimension] is { } copy)
            {
                dimensions[dimension] = copy;
            }

            if (changes.Entries[dimension] is { } originals)
            {
                Restore(dimensions[dimension], originals);
            }
        }

        var counters = changes.Counters;
        firstDay = counters.FirstDay;
        lastDay = counters.LastDay;
        lastActiveDay = counters.LastActiveDay;
        EventCount = counters.EventCount;
        ActiveDays = counters.ActiveDays;
        hoursDay = counters.HoursDay;
        hoursCountedToday = counters.HoursCountedToday;
        changes.Hours.CopyTo(hours, 0);
        changes = null;
    }

    /// <summary>Keeps the value of <paramref name="key"/> as it was before its first change in this recording.</summary>
    private void Remember(int dimension, string key)
    {
        if (changes is null)
        {
            return;
        }

        var originals = changes.EntriesOf(dimension);
        if (!originals.ContainsKey(key))
        {
            originals[key] = dimensions[dimension].TryGetValue(key, out var entry) ? entry : null;
        }
    }

    /// <summary>
    /// Keeps the value of <paramref name="key"/> and, at the first removal of this recording, a copy
    /// of the table as it was, because a value removed and added back would take another place in
    /// the dictionary's order.
    /// </summary>
    private void RememberRemoval(int dimension, string key)
    {
        Remember(dimension, key);
        if (changes is not null && changes.TableCopies[dimension] is null)
        {
            var copy = new Dictionary<string, ProfileEntry>(dimensions[dimension], StringComparer.Ordinal);
            Restore(copy, changes.EntriesOf(dimension));
            changes.TableCopies[dimension] = copy;
        }
    }

    private static void Restore(Dictionary<string, ProfileEntry> table, Dictionary<string, ProfileEntry?> originals)
    {
        foreach (var (key, original) in originals)
        {
            if (original is { } entry)
            {
                table[key] = entry;
            }
            else
            {
                table.Remove(key);
            }
        }
    }

    private readonly record struct Counters(int FirstDay, int LastDay, int LastActiveDay, long EventCount, int ActiveDays, int HoursDay, int HoursCountedToday);

    /// <summary>What one recording changed. A new one per recording, so a profile keeps nothing between grain calls.</summary>
    private sealed class ChangeLog(int dimensionCount, Counters counters, float[] hours)
    {
        public Counters Counters { get; } = counters;

        /// <summary>The hour weights before the recording.</summary>
        public float[] Hours { get; } = hours;

        /// <summary>Per dimension, each changed value as it was before the recording, or null when it was absent.</summary>
        public Dictionary<string, ProfileEntry?>?[] Entries { get; } = new Dictionary<string, ProfileEntry?>?[dimensionCount];

        /// <summary>Per dimension, the table as it was, once the recording removed a value from it.</summary>
        public Dictionary<string, ProfileEntry>?[] TableCopies { get; } = new Dictionary<string, ProfileEntry>?[dimensionCount];

        public Dictionary<string, ProfileEntry?> EntriesOf(int dimension) =>
            Entries[dimension] ??= new Dictionary<string, ProfileEntry?>(StringComparer.Ordinal);
    }
}
