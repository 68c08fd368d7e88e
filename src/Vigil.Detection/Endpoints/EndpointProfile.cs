using System.Runtime.InteropServices;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Endpoints;

/// <summary>
/// What is normal for one network endpoint (network interface or instance): the remote server ports
/// it opens connections to, its peers and the outbound bytes per peer and day, the public DNS
/// resolvers, DoH and DoT servers it uses, the registrable domains it queries, and the connection
/// times and sizes of its newer peers. Weights count UTC days of event time, not records, and decay
/// with <see cref="ProfileOptions.HalfLife"/>; classes follow <see cref="BehaviorProfile"/>.
/// </summary>
/// <remarks>
/// Every table has a hard bound. Adding a value to a full table first drops the value of least
/// current weight, the oldest on a tie. Not thread-safe; a grain owns one.
/// </remarks>
public sealed partial class EndpointProfile
{
    private const byte FormatVersion = 1;
    private const int NoDay = int.MinValue;

    private static readonly EndpointDimension[] AllDimensions = Enum.GetValues<EndpointDimension>();

    private readonly Dictionary<string, EndpointEntry>[] tables;
    private readonly Dictionary<string, List<ConnectionSample>> timings = new(StringComparer.Ordinal);

    private int firstDay = NoDay;
    private int lastDay = NoDay;
    private int lastActiveDay = NoDay;

    // Decayed statistics of log10(bytes) over peer-days, as of volumeDay.
    private double volumeWeight;
    private double volumeSum;
    private double volumeSumSquares;
    private double volumeMax;
    private int volumeDay = NoDay;

    public EndpointProfile(ProfileOptions options)
    {
        Options = options;
        tables = new Dictionary<string, EndpointEntry>[AllDimensions.Length];
        for (var i = 0; i < tables.Length; i++)
        {
            tables[i] = new Dictionary<string, EndpointEntry>(StringComparer.Ordinal);
        }
    }

    public ProfileOptions Options { get; }

    /// <summary>Records counted.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Days with records, counting a day only when it is later than every day before it.</summary>
    public int ActiveDays { get; private set; }

    /// <summary>Day of the first record counted, or null for an empty profile.</summary>
    public DateOnly? FirstDay => firstDay == NoDay ? null : DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(firstDay));

    /// <summary>Peers whose connection times are kept.</summary>
    public int TimedPeerCount => timings.Count;

    /// <summary>Returns the number of values kept in a dimension.</summary>
    public int CountOf(EndpointDimension dimension) => tables[(int)dimension].Count;

    /// <summary>True while the profile has less than the learning period of event time or too few active days at <paramref name="time"/>.</summary>
    public bool IsLearning(DateTimeOffset time) =>
        firstDay == NoDay
        || BehaviorProfile.DayOf(time) - firstDay < Options.LearningPeriod.TotalDays
        || ActiveDays < Options.MinimumActiveDays;

    /// <summary>Returns the first day after learning could end; null for an empty profile.</summary>
    public int? LearningEndDay => firstDay == NoDay ? null : firstDay + (int)Math.Ceiling(Options.LearningPeriod.TotalDays);

    /// <summary>Counts one record's day: moves the profile's clock and folds finished peer-days into the volume baseline.</summary>
    public void Tick(DateTimeOffset time)
    {
        var day = BehaviorProfile.DayOf(time);
        if (firstDay == NoDay || day < firstDay)
        {
            firstDay = day;
        }

        RecordCount++;
        if (day != lastActiveDay)
        {
            ActiveDays += lastActiveDay == NoDay || day > lastActiveDay ? 1 : 0;
            lastActiveDay = Math.Max(day, lastActiveDay);
        }

        if (day > lastDay)
        {
            lastDay = day;
            FoldFinishedPeerDays(day);
        }
    }

    /// <summary>Returns the class of a value at <paramref name="time"/>.</summary>
    public FrequencyClass Classify(EndpointDimension dimension, string? key, DateTimeOffset time)
    {
        if (string.IsNullOrEmpty(key) || !tables[(int)dimension].TryGetValue(key, out var entry))
        {
            return FrequencyClass.Unseen;
        }

        var day = BehaviorProfile.DayOf(time);
        return ClassOf(Decayed(entry, day), day);
    }

    /// <summary>Returns the first day a value was counted, or null when it is not in the profile.</summary>
    public int? FirstDayOf(EndpointDimension dimension, string key) =>
        tables[(int)dimension].TryGetValue(key, out var entry) ? entry.FirstDay : null;

    /// <summary>Counts a value once per day.</summary>
    public void Observe(EndpointDimension dimension, string key, DateTimeOffset time)
    {
        Count(dimension, Bound(key), BehaviorProfile.DayOf(time));
    }

    /// <summary>
    /// Counts a peer for the day and adds outbound bytes to its total of that day; returns the total.
    /// Bytes of a day before the peer's last day are not added, because that day was already folded
    /// into the baseline.
    /// </summary>
    public double AddPeerBytes(string peer, long bytes, DateTimeOffset time)
    {
        var day = BehaviorProfile.DayOf(time);
        peer = Bound(peer);
        ref var entry = ref Count(EndpointDimension.Peer, peer, day);
        if (entry.LastDay == day)
        {
            entry.DayBytes += Math.Max(0, bytes);
        }

        return entry.LastDay == day ? entry.DayBytes : 0;
    }

    /// <summary>Marks that a volume finding was raised for a peer on this day; false when it already was.</summary>
    public bool TryMarkVolumeRaised(string peer, DateTimeOffset time)
    {
        var day = BehaviorProfile.DayOf(time);
        peer = Bound(peer);
        Remember((int)EndpointDimension.Peer, peer);
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(tables[(int)EndpointDimension.Peer], peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || entry.VolumeRaisedDay == day)
        {
            return false;
        }

        entry.VolumeRaisedDay = day;
        return true;
    }

    /// <summary>Returns the learned distribution of outbound bytes per peer and day at <paramref name="time"/>.</summary>
    public VolumeBaseline Volume(DateTimeOffset time)
    {
        if (volumeWeight <= 0)
        {
            return default;
        }

        var factor = Decay(Math.Max(0, BehaviorProfile.DayOf(time) - volumeDay));
        var mean = volumeSum / volumeWeight;
        var variance = Math.Max(0, (volumeSumSquares / volumeWeight) - (mean * mean));
        return new VolumeBaseline(volumeWeight * factor, mean, Math.Sqrt(variance), volumeMax * factor);
    }

    /// <summary>
    /// Adds a connection start to a peer's samples, kept sorted by time. A sample with the same local
    /// port as the newest one is the same long-lived connection and is not added. When the table of
    /// timed peers is full, the peer with the fewest samples (the oldest on a tie) is dropped.
    /// </summary>
    public IReadOnlyList<ConnectionSample> AddConnection(string peer, ConnectionSample sample)
    {
        peer = Bound(peer);
        if (!timings.TryGetValue(peer, out var samples))
        {
            if (Options.MaxTimedPeers == 0)
            {
                return [];
            }

            while (timings.Count >= Options.MaxTimedPeers)
            {
                DropWeakestTiming();
            }

            RememberTimings(peer);
            samples = new List<ConnectionSample>(4);
            timings[peer] = samples;
        }

        if (samples.Count > 0 && samples[^1].LocalPort == sample.LocalPort && sample.Seconds >= samples[^1].Seconds)
        {
            return samples;
        }

        RememberTimings(peer);
        var index = samples.Count;
        while (index > 0 && samples[index - 1].Seconds > sample.Seconds)
        {
            index--;
        }

        samples.Insert(index, sample);
        if (samples.Count > Options.ConnectionSamplesPerPeer)
        {
            samples.RemoveAt(0);
        }

        return samples;
    }

    /// <summary>Stops keeping connection times of a peer, after a beaconing finding or when it became usual.</summary>
    public void ForgetConnections(string peer)
    {
        peer = Bound(peer);
        if (timings.ContainsKey(peer))
        {
            RememberTimingsRemoval(peer);
            timings.Remove(peer);
        }
    }

    /// <summary>Returns up to <paramref name="count"/> values of a dimension that are not unseen, heaviest first.</summary>
    public IReadOnlyList<EndpointProfiledValue> Top(EndpointDimension dimension, DateTimeOffset time, int count)
    {
        var day = BehaviorProfile.DayOf(time);
        return [.. tables[(int)dimension]
            .Select(pair => (pair.Key, Weight: Decayed(pair.Value, day)))
            .Where(pair => pair.Weight >= Options.ForgetWeight)
            .OrderByDescending(pair => pair.Weight)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(pair => new EndpointProfiledValue(pair.Key, ClassOf(pair.Weight, day)))];
    }

    /// <summary>
    /// Returns up to <paramref name="count"/> values of a dimension that are not unseen, heaviest first,
    /// with their days of use a month, their newest day and, for peers, the outbound bytes of that day.
    /// </summary>
    public IReadOnlyList<EndpointValueDetail> Details(EndpointDimension dimension, DateTimeOffset time, int count)
    {
        var day = BehaviorProfile.DayOf(time);
        return [.. tables[(int)dimension]
            .Select(pair => (pair.Key, Entry: pair.Value, Weight: Decayed(pair.Value, day)))
            .Where(item => item.Weight >= Options.ForgetWeight)
            .OrderByDescending(item => item.Weight)
            .ThenBy(item => item.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(item => new EndpointValueDetail(
                item.Key,
                ClassOf(item.Weight, day),
                30.0 * item.Weight / Exposure(day),
                DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(item.Entry.LastDay)),
                dimension == EndpointDimension.Peer ? item.Entry.DayBytes : null))];
    }

    /// <summary>Day of the newest record counted, or null for an empty profile.</summary>
    public DateOnly? LastDay => lastDay == NoDay ? null : DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(lastDay));

    /// <summary>
    /// Adds a value to the expected set, as analyst feedback does: it gets at least the weight of an
    /// infrequent value at <paramref name="time"/>.
    /// </summary>
    public void Teach(EndpointDimension dimension, string key, DateTimeOffset time)
    {
        var day = BehaviorProfile.DayOf(time);
        key = Bound(key);
        var weight = (float)Math.Max(1, Options.InfrequentDaysPerMonth * Exposure(day) / 30.0 * 1.5);
        ref var entry = ref Count(dimension, key, day);
        entry.Weight = Math.Max(entry.Weight, weight);
    }

    /// <summary>Drops values that have faded below <see cref="ProfileOptions.ForgetWeight"/> by <paramref name="time"/>.</summary>
    public void Prune(DateTimeOffset time)
    {
        var day = BehaviorProfile.DayOf(time);
        for (var dimension = 0; dimension < tables.Length; dimension++)
        {
            List<string>? forgotten = null;
            foreach (var (key, entry) in tables[dimension])
            {
                if (Decayed(entry, day) < Options.ForgetWeight)
                {
                    (forgotten ??= []).Add(key);
                }
            }

            foreach (var key in forgotten ?? [])
            {
                RememberRemoval(dimension, key);
                tables[dimension].Remove(key);
            }
        }

        List<string>? stale = null;
        foreach (var (peer, samples) in timings)
        {
            if (samples.Count == 0 || BehaviorProfile.DayOf(DateTimeOffset.FromUnixTimeSeconds(samples[^1].Seconds)) < day - 7)
            {
                (stale ??= []).Add(peer);
            }
        }

        foreach (var peer in stale ?? [])
        {
            RememberTimingsRemoval(peer);
            timings.Remove(peer);
        }
    }

    /// <summary>Writes the profile in a versioned binary form: values as UTF-8, weights as 32-bit floats, days relative to the last day.</summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        Serialize(stream);
        return stream.ToArray();
    }

    /// <summary>Writes the form that <see cref="Serialize()"/> returns to <paramref name="destination"/>, so a caller can use a pooled stream.</summary>
    public void Serialize(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        WriteTo(writer);
    }

    /// <summary>Reads a profile written by <see cref="Serialize()"/>; null or empty data gives an empty profile.</summary>
    /// <exception cref="InvalidDataException">The data is of another format version or damaged.</exception>
    public static EndpointProfile Deserialize(byte[]? data, ProfileOptions options) =>
        data is null || data.Length == 0 ? new EndpointProfile(options) : Deserialize(new MemoryStream(data), options);

    /// <summary>Reads a profile that <see cref="Serialize(Stream)"/> wrote, from the position of <paramref name="source"/>, which stays open.</summary>
    /// <exception cref="InvalidDataException">The data is of another format version or damaged.</exception>
    public static EndpointProfile Deserialize(Stream source, ProfileOptions options)
    {
        try
        {
            using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
            return ReadFrom(reader, options);
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException("Endpoint profile data ends early.", exception);
        }
        catch (FormatException exception)
        {
            throw new InvalidDataException("Endpoint profile data is damaged.", exception);
        }
    }

    private void WriteTo(BinaryWriter writer)
    {
        writer.Write(FormatVersion);
        writer.Write(firstDay);
        writer.Write(lastDay);
        writer.Write(lastActiveDay);
        writer.Write7BitEncodedInt64(RecordCount);
        writer.Write7BitEncodedInt(ActiveDays);
        writer.Write(volumeDay);
        writer.Write((float)volumeWeight);
        writer.Write((float)volumeSum);
        writer.Write((float)volumeSumSquares);
        writer.Write((float)volumeMax);
        writer.Write((byte)tables.Length);
        for (var i = 0; i < tables.Length; i++)
        {
            var peers = i == (int)EndpointDimension.Peer;
            writer.Write7BitEncodedInt(tables[i].Count);
            foreach (var (key, entry) in tables[i])
            {
                writer.Write(key);
                writer.Write(entry.Weight);
                writer.Write7BitEncodedInt(Math.Max(0, lastDay - entry.LastDay));
                writer.Write7BitEncodedInt(Math.Max(0, entry.LastDay - entry.FirstDay));
                if (peers)
                {
                    writer.Write((float)entry.DayBytes);
                    writer.Write7BitEncodedInt(entry.VolumeRaisedDay == entry.LastDay ? 1 : 0);
                }
            }
        }

        writer.Write7BitEncodedInt(timings.Count);
        foreach (var (peer, samples) in timings)
        {
            writer.Write(peer);
            writer.Write7BitEncodedInt(samples.Count);
            var previous = samples.Count > 0 ? samples[0].Seconds : 0;
            writer.Write7BitEncodedInt64(previous);
            foreach (var sample in samples)
            {
                writer.Write7BitEncodedInt64(sample.Seconds - previous);
                writer.Write((Half)sample.Bytes);
                writer.Write((ushort)sample.LocalPort);
                previous = sample.Seconds;
            }
        }
    }

    private static EndpointProfile ReadFrom(BinaryReader reader, ProfileOptions options)
    {
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Endpoint profile format version {version} is not supported; expected {FormatVersion}.");
        }

        var profile = new EndpointProfile(options)
        {
            firstDay = reader.ReadInt32(),
            lastDay = reader.ReadInt32(),
            lastActiveDay = reader.ReadInt32(),
            RecordCount = reader.Read7BitEncodedInt64(),
            ActiveDays = reader.Read7BitEncodedInt(),
            volumeDay = reader.ReadInt32(),
            volumeWeight = reader.ReadSingle(),
            volumeSum = reader.ReadSingle(),
            volumeSumSquares = reader.ReadSingle(),
            volumeMax = reader.ReadSingle(),
        };
        var tableCount = reader.ReadByte();
        for (var i = 0; i < tableCount; i++)
        {
            var count = CheckedCount(reader.Read7BitEncodedInt(), 100_000, "values");
            for (var j = 0; j < count; j++)
            {
                var key = reader.ReadString();
                var entry = new EndpointEntry { Weight = reader.ReadSingle(), VolumeRaisedDay = NoDay };
                entry.LastDay = profile.lastDay - reader.Read7BitEncodedInt();
                entry.FirstDay = entry.LastDay - reader.Read7BitEncodedInt();
                if (i == (int)EndpointDimension.Peer)
                {
                    entry.DayBytes = reader.ReadSingle();
                    entry.VolumeRaisedDay = reader.Read7BitEncodedInt() == 1 ? entry.LastDay : NoDay;
                }

                if (i < profile.tables.Length)
                {
                    profile.tables[i][key] = entry;
                }
            }
        }

        var timedPeers = CheckedCount(reader.Read7BitEncodedInt(), 100_000, "timed peers");
        for (var i = 0; i < timedPeers; i++)
        {
            var peer = reader.ReadString();
            var count = CheckedCount(reader.Read7BitEncodedInt(), 10_000, "connection samples");
            var seconds = reader.Read7BitEncodedInt64();
            var samples = new List<ConnectionSample>(count);
            for (var j = 0; j < count; j++)
            {
                seconds += reader.Read7BitEncodedInt64();
                samples.Add(new ConnectionSample(seconds, (float)reader.ReadHalf(), reader.ReadUInt16()));
            }

            profile.timings[peer] = samples.Count > options.ConnectionSamplesPerPeer ? samples[^options.ConnectionSamplesPerPeer..] : samples;
        }

        // The options bound the profile again, so a lower bound applies on load.
        foreach (var dimension in AllDimensions)
        {
            while (profile.tables[(int)dimension].Count > profile.MaxEntries(dimension))
            {
                profile.DropLeastUseful(dimension, profile.lastDay);
            }
        }

        while (profile.timings.Count > options.MaxTimedPeers)
        {
            profile.DropWeakestTiming();
        }

        return profile;
    }

    private static int CheckedCount(int count, int maximum, string what) =>
        count < 0 || count > maximum ? throw new InvalidDataException($"Endpoint profile claims {count} {what}.") : count;

    private int MaxEntries(EndpointDimension dimension) => dimension switch
    {
        EndpointDimension.RemotePort => Options.MaxEndpointPorts,
        EndpointDimension.Peer => Options.MaxEndpointPeers,
        EndpointDimension.Domain => Options.MaxEndpointDomains,
        _ => Options.MaxEndpointResolvers,
    };

    /// <summary>Values longer than 128 characters are cut, so a log writer cannot grow the profile with long text.</summary>
    private static string Bound(string key) => key.Length <= 128 ? key : key[..128];

    private ref EndpointEntry Count(EndpointDimension dimension, string key, int day)
    {
        var table = tables[(int)dimension];
        if (!table.ContainsKey(key))
        {
            while (table.Count >= MaxEntries(dimension))
            {
                DropLeastUseful(dimension, day);
            }
        }

        Remember((int)dimension, key);
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(table, key, out var exists);
        if (!exists)
        {
            entry = new EndpointEntry { Weight = 1f, LastDay = day, FirstDay = day, VolumeRaisedDay = NoDay };
        }
        else if (day > entry.LastDay)
        {
            if (dimension == EndpointDimension.Peer && entry.DayBytes > 0)
            {
                FoldPeerDay(entry.LastDay, entry.DayBytes);
            }

            entry.Weight = (float)Decayed(entry, day) + 1f;
            entry.LastDay = day;
            entry.DayBytes = 0;
        }

        // A value already counted on this day, or on a later one, is not counted again.
        return ref entry;
    }

    private void FoldFinishedPeerDays(int today)
    {
        var peers = tables[(int)EndpointDimension.Peer];
        foreach (var key in peers.Keys)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(peers, key);
            if (entry.LastDay < today && entry.DayBytes > 0)
            {
                Remember((int)EndpointDimension.Peer, key);
                FoldPeerDay(entry.LastDay, entry.DayBytes);
                entry.DayBytes = 0;
            }
        }
    }

    private void FoldPeerDay(int day, double bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        if (volumeDay == NoDay)
        {
            volumeDay = day;
        }
        else if (day > volumeDay)
        {
            var factor = Decay(day - volumeDay);
            volumeWeight *= factor;
            volumeSum *= factor;
            volumeSumSquares *= factor;
            volumeMax *= factor;
            volumeDay = day;
        }

        var value = Math.Log10(bytes);
        volumeWeight += 1;
        volumeSum += value;
        volumeSumSquares += value * value;
        volumeMax = Math.Max(volumeMax, bytes);
    }

    private void DropLeastUseful(EndpointDimension dimension, int day)
    {
        var table = tables[(int)dimension];
        string? weakest = null;
        var weakestWeight = double.MaxValue;
        var weakestDay = int.MaxValue;
        foreach (var (key, entry) in table)
        {
            var weight = Decayed(entry, day);

            // The key breaks the last tie, so the choice does not depend on the dictionary's order,
            // which a rolled-back call does not restore for values added after it.
            if (weight < weakestWeight
                || (weight == weakestWeight && (entry.LastDay < weakestDay || (entry.LastDay == weakestDay && string.CompareOrdinal(key, weakest) < 0))))
            {
                weakest = key;
                weakestWeight = weight;
                weakestDay = entry.LastDay;
            }
        }

        if (weakest is not null)
        {
            // A dropped peer's bytes of its last day still belong in the volume baseline.
            RememberRemoval((int)dimension, weakest);
            if (table.Remove(weakest, out var removed) && removed.DayBytes > 0)
            {
                FoldPeerDay(removed.LastDay, removed.DayBytes);
            }
        }
    }

    private void DropWeakestTiming()
    {
        string? weakest = null;
        var fewest = int.MaxValue;
        var oldest = long.MaxValue;
        foreach (var (peer, samples) in timings)
        {
            var newest = samples.Count == 0 ? long.MinValue : samples[^1].Seconds;
            if (samples.Count < fewest
                || (samples.Count == fewest && (newest < oldest || (newest == oldest && string.CompareOrdinal(peer, weakest) < 0))))
            {
                weakest = peer;
                fewest = samples.Count;
                oldest = newest;
            }
        }

        if (weakest is not null)
        {
            RememberTimingsRemoval(weakest);
            timings.Remove(weakest);
        }
    }

    private double Decayed(in EndpointEntry entry, int day) => entry.Weight * Decay(Math.Max(0, day - entry.LastDay));

    private double Decay(int days) => Math.Pow(2, -days / Options.HalfLife.TotalDays);

    private double Exposure(int day)
    {
        var days = Math.Max(1, day - firstDay + 1);
        var perDay = Decay(1);
        return (1 - Math.Pow(perDay, days)) / (1 - perDay);
    }

    private FrequencyClass ClassOf(double weight, int day)
    {
        if (weight < Options.ForgetWeight)
        {
            return FrequencyClass.Unseen;
        }

        var daysPerMonth = 30.0 * weight / Exposure(day);
        return daysPerMonth >= Options.FrequentDaysPerMonth ? FrequencyClass.Frequent
            : daysPerMonth >= Options.InfrequentDaysPerMonth ? FrequencyClass.Infrequent
            : FrequencyClass.Rare;
    }
}
