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
    public void BeginChanges()
    {
        CommitChanges();
        changes = ChangeLog.Rent(dimensions.Length);
        changes.Counters = new Counters(firstDay, lastDay, lastActiveDay, EventCount, ActiveDays, hoursDay, hoursCountedToday, prunedDay);
        hours.CopyTo(changes.Hours, 0);
    }

    /// <summary>Keeps the changes since <see cref="BeginChanges"/> and stops recording.</summary>
    public void CommitChanges()
    {
        if (changes is { } log)
        {
            changes = null;
            ChangeLog.Return(log);
        }
    }

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
        prunedDay = counters.PrunedDay;
        changes.Hours.CopyTo(hours, 0);
        var log = changes;
        changes = null;
        ChangeLog.Return(log);
    }

    /// <summary>Keeps the value of <paramref name="key"/> as it was before its first change in this recording.</summary>
    private void Remember(int dimension, string key) => changes?.Tables.Remember(dimensions, dimension, key);

    /// <summary>Keeps <paramref name="current"/>, the value of <paramref name="key"/> now or null when absent, if this is its first change in this recording.</summary>
    private void Remember(int dimension, string key, ProfileEntry? current) => changes?.Tables.Remember(dimension, key, current);

    /// <summary>Keeps the value of <paramref name="key"/> and logs its removal, which must follow.</summary>
    private void RememberRemoval(int dimension, string key) => changes?.Tables.RememberRemoval(dimensions, dimension, key);

    private readonly record struct Counters(int FirstDay, int LastDay, int LastActiveDay, long EventCount, int ActiveDays, int HoursDay, int HoursCountedToday, int PrunedDay);

    /// <summary>
    /// What one recording changed. A profile keeps nothing between grain calls: the log goes back to
    /// a pool shared by all profiles when the recording ends, so a call does not allocate a new log
    /// and its tables.
    /// </summary>
    private sealed class ChangeLog(int dimensionCount)
    {
        /// <summary>
        /// Most logs kept in the pool; more are left to the garbage collector. A window of grain calls
        /// starts a call for every principal in it at once, and each call keeps its log while it waits
        /// for the account profile, so many logs are in use at the same time.
        /// </summary>
        private const int MaxPooled = 1_024;

        private static readonly ChangeLogPool<ChangeLog> Pool = new(MaxPooled);

        public Counters Counters { get; set; }

        /// <summary>The hour weights before the recording.</summary>
        public float[] Hours { get; } = new float[24];

        public TableChangeLog<ProfileEntry> Tables { get; } = new(dimensionCount);

        /// <summary>Returns an empty log from the pool, or a new one.</summary>
        public static ChangeLog Rent(int dimensionCount) =>
            Pool.TryRent(out var log) && log.Tables.Dimensions == dimensionCount ? log : new ChangeLog(dimensionCount);

        /// <summary>Empties a log that no profile refers to any more and puts it back in the pool.</summary>
        public static void Return(ChangeLog log)
        {
            log.Tables.Clear();
            Pool.Return(log);
        }
    }
}
