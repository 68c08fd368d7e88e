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

        changes.Tables.RollBack(dimensions);

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
    private void Remember(int dimension, string key) => changes?.Tables.Remember(dimensions, dimension, key);

    /// <summary>Keeps the value of <paramref name="key"/> and, at the first removal of this recording, a copy of its table.</summary>
    private void RememberRemoval(int dimension, string key) => changes?.Tables.RememberRemoval(dimensions, dimension, key);

    private readonly record struct Counters(int FirstDay, int LastDay, int LastActiveDay, long EventCount, int ActiveDays, int HoursDay, int HoursCountedToday);

    /// <summary>What one recording changed. A new one per recording, so a profile keeps nothing between grain calls.</summary>
    private sealed class ChangeLog(int dimensionCount, Counters counters, float[] hours)
    {
        public Counters Counters { get; } = counters;

        /// <summary>The hour weights before the recording.</summary>
        public float[] Hours { get; } = hours;

        public TableChangeLog<ProfileEntry> Tables { get; } = new(dimensionCount);
    }
}
