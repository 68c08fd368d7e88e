using Vigil.Detection.Profiles;

namespace Vigil.Detection.Endpoints;

/// <summary>
/// The profile's undo log. A grain call whose findings fail to store puts the profile back with it,
/// at a cost that grows with what the call changed rather than with the size of the profile.
/// </summary>
public sealed partial class EndpointProfile
{
    private ChangeLog? changes;

    /// <summary>True between <see cref="BeginChanges"/> and <see cref="CommitChanges"/> or <see cref="RollBackChanges"/>.</summary>
    public bool IsRecordingChanges => changes is not null;

    /// <summary>
    /// Starts recording changes: from now on the first change of each value, of each peer's
    /// connection times and of the counters keeps what was there before, so that
    /// <see cref="RollBackChanges"/> can restore it. A recording still open is committed first, so a grain call
    /// keeps what the previous call changed even when that call ended without committing.
    /// </summary>
    public void BeginChanges()
    {
        CommitChanges();
        changes = ChangeLog.Rent(tables.Length);
        changes.Counters = new Counters(firstDay, lastDay, lastActiveDay, RecordCount, ActiveDays, volumeDay, volumeWeight, volumeSum, volumeSumSquares, volumeMax);
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

    /// <summary>
    /// Puts the profile back as it was at <see cref="BeginChanges"/>: the same values with the same
    /// weights and days, in the same order, so <see cref="Serialize()"/> returns the same bytes.
    /// </summary>
    /// <exception cref="InvalidOperationException">No recording was started.</exception>
    public void RollBackChanges()
    {
        if (changes is null)
        {
            throw new InvalidOperationException("The endpoint profile is not recording changes; call BeginChanges first.");
        }

        changes.Tables.RollBack(tables);

        // As for the tables: peers added and removed are undone in reverse order, so each peer goes
        // back into its slot, and Restore then puts back the connection times.
        for (var index = changes.TimingsAddedAndRemoved.Count - 1; index >= 0; index--)
        {
            var (peer, added) = changes.TimingsAddedAndRemoved[index];
            if (added)
            {
                timings.Remove(peer);
            }
            else
            {
                timings.TryAdd(peer, []);
            }
        }

        Restore(timings, changes.Timings);

        var counters = changes.Counters;
        firstDay = counters.FirstDay;
        lastDay = counters.LastDay;
        lastActiveDay = counters.LastActiveDay;
        RecordCount = counters.RecordCount;
        ActiveDays = counters.ActiveDays;
        volumeDay = counters.VolumeDay;
        volumeWeight = counters.VolumeWeight;
        volumeSum = counters.VolumeSum;
        volumeSumSquares = counters.VolumeSumSquares;
        volumeMax = counters.VolumeMax;
        var log = changes;
        changes = null;
        ChangeLog.Return(log);
    }

    /// <summary>Keeps the value of <paramref name="key"/> as it was before its first change in this recording.</summary>
    private void Remember(int dimension, string key) => changes?.Tables.Remember(tables, dimension, key);

    /// <summary>Keeps the value of <paramref name="key"/> and logs its removal, which must follow.</summary>
    private void RememberRemoval(int dimension, string key) => changes?.Tables.RememberRemoval(tables, dimension, key);

    /// <summary>
    /// Keeps a copy of a peer's connection times, or its absence, before their first change in this
    /// recording, and logs the peer's addition when it has no connection times now.
    /// </summary>
    private void RememberTimings(string peer)
    {
        if (changes is null)
        {
            return;
        }

        var present = timings.TryGetValue(peer, out var samples);
        if (!present)
        {
            changes.TimingsAddedAndRemoved.Add((peer, true));
        }

        if (!changes.Timings.ContainsKey(peer))
        {
            changes.Timings[peer] = present ? [.. samples!] : null;
        }
    }

    /// <summary>As <see cref="RememberRemoval"/>, for the table of connection times.</summary>
    private void RememberTimingsRemoval(string peer)
    {
        RememberTimings(peer);
        changes?.TimingsAddedAndRemoved.Add((peer, false));
    }

    private static void Restore(Dictionary<string, List<ConnectionSample>> table, Dictionary<string, List<ConnectionSample>?> originals)
    {
        foreach (var (peer, original) in originals)
        {
            if (original is not null)
            {
                // A copy, so the same list is never both in the table and in a later recording.
                table[peer] = [.. original];
            }
            else
            {
                table.Remove(peer);
            }
        }
    }

    private readonly record struct Counters(
        int FirstDay,
        int LastDay,
        int LastActiveDay,
        long RecordCount,
        int ActiveDays,
        int VolumeDay,
        double VolumeWeight,
        double VolumeSum,
        double VolumeSumSquares,
        double VolumeMax);

    /// <summary>
    /// What one recording changed. A profile keeps nothing between grain calls: the log goes back to
    /// a pool shared by all endpoint profiles when the recording ends, as the behaviour profile's does.
    /// </summary>
    private sealed class ChangeLog(int dimensions)
    {
        /// <summary>Maximum number of logs kept in the pool, as for the behaviour profile.</summary>
        private const int MaxPooled = 1_024;

        /// <summary>Maximum number of peers for which a pooled log keeps its table of connection times allocated.</summary>
        private const int MaxKeptTimings = 32;

        private static readonly ChangeLogPool<ChangeLog> Pool = new(MaxPooled);

        public Counters Counters { get; set; }

        public TableChangeLog<EndpointEntry> Tables { get; } = new(dimensions);

        /// <summary>Each peer whose connection times changed, with a copy of them before the recording, or null when it had none.</summary>
        public Dictionary<string, List<ConnectionSample>?> Timings { get; } = new(StringComparer.Ordinal);

        /// <summary>Peers added to or removed from the table of connection times, in the order it happened.</summary>
        public List<(string Peer, bool Added)> TimingsAddedAndRemoved { get; } = [];

        /// <summary>Returns an empty log from the pool, or a new one.</summary>
        public static ChangeLog Rent(int dimensions) =>
            Pool.TryRent(out var log) && log.Tables.Dimensions == dimensions ? log : new ChangeLog(dimensions);

        /// <summary>Empties a log that no profile refers to any more and puts it back in the pool.</summary>
        public static void Return(ChangeLog log)
        {
            log.Tables.Clear();
            var keptTimings = log.Timings.Count;
            log.Timings.Clear();
            if (keptTimings > MaxKeptTimings)
            {
                log.Timings.TrimExcess(MaxKeptTimings);
            }

            log.TimingsAddedAndRemoved.Clear();
            if (log.TimingsAddedAndRemoved.Capacity > MaxKeptTimings)
            {
                log.TimingsAddedAndRemoved.Capacity = MaxKeptTimings;
            }

            Pool.Return(log);
        }
    }
}
