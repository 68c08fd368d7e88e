using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vigil.Detection.Profiles;

/// <summary>
/// What is normal for one principal or one account: for each <see cref="ProfileDimension"/>, the values
/// seen and a weight that counts the days each was used, decayed with the half-life so that old
/// behaviour fades; and the hours of the day with activity. Days are UTC days of event time.
/// </summary>
/// <remarks>
/// The class of a value compares its weight with the weight a value used every day since the profile
/// started would have, over at least the learning period, and scales that to days a month. The bound per dimension is hard: adding a value
/// to a full dimension first drops the value of least current weight (the oldest on a tie). Not
/// thread-safe; a grain owns one.
/// </remarks>
public sealed partial class BehaviorProfile
{
    private const byte FormatVersion = 1;
    private const int NoDay = int.MinValue;

    /// <summary><see cref="ProfileObservation.Dimensions"/> as an array, so that a loop over it does not allocate an enumerator.</summary>
    private static readonly ProfileDimension[] AllDimensions = [.. ProfileObservation.Dimensions];

    private readonly Dictionary<string, ProfileEntry>[] dimensions;

    /// <summary>The decay factor of each whole number of days up to <see cref="DecayTable.Days"/>, computed once per half-life.</summary>
    private readonly double[] decayByDay;
    private readonly float[] hours = new float[24];

    public BehaviorProfile(ProfileOptions options)
    {
        Options = options;
        decayByDay = DecayTable.For(options.HalfLife.TotalDays);
        dimensions = new Dictionary<string, ProfileEntry>[ProfileObservation.Dimensions.Count];
        for (var i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = new Dictionary<string, ProfileEntry>(StringComparer.Ordinal);
        }
    }

    public ProfileOptions Options { get; }

    /// <summary>Day of the first event counted, or null for an empty profile.</summary>
    public DateOnly? FirstDay => firstDay == NoDay ? null : DayToDate(firstDay);

    /// <summary>Day of the newest event counted, or null for an empty profile.</summary>
    public DateOnly? LastDay => lastDay == NoDay ? null : DayToDate(lastDay);

    /// <summary>Events counted.</summary>
    public long EventCount { get; private set; }

    /// <summary>Distinct days with events counted (days arriving out of order may be counted twice).</summary>
    public int ActiveDays { get; private set; }

    private int firstDay = NoDay;
    private int lastDay = NoDay;
    private int lastActiveDay = NoDay;
    private int hoursDay = NoDay;
    private int hoursCountedToday;

    /// <summary>
    /// Day of the last full <see cref="Prune"/>, or <see cref="NoDay"/>. While set, every value weighs
    /// at least <see cref="ProfileOptions.ForgetWeight"/> on that day and so on every earlier day.
    /// A write keeps that true when it gives a value a weight of at least 1 (above the forget weight,
    /// which the options keep below 1) on that day or a later one. Any other write clears it.
    /// </summary>
    private int prunedDay = NoDay;

    /// <summary>Returns the number of values kept in a dimension.</summary>
    public int CountOf(ProfileDimension dimension) => dimensions[(int)dimension].Count;

    /// <summary>True while the profile has less than the learning period of event time or too few active days at <paramref name="time"/>.</summary>
    public bool IsLearning(DateTimeOffset time) =>
        firstDay == NoDay
        || DayOf(time) - firstDay < Options.LearningPeriod.TotalDays
        || ActiveDays < Options.MinimumActiveDays;

    /// <summary>Counts an event: each of its values once per day, and its hour once per day.</summary>
    public void Observe(in ProfileObservation observation, DateTimeOffset time)
    {
        var day = DayOf(time);
        if (firstDay == NoDay || day < firstDay)
        {
            firstDay = day;
        }

        lastDay = Math.Max(lastDay, day);
        EventCount++;
        if (day != lastActiveDay)
        {
            ActiveDays++;
            lastActiveDay = day;
        }

        foreach (var dimension in AllDimensions)
        {
            if (observation.KeyOf(dimension) is { Length: > 0 } key)
            {
                Count(dimension, key, day, 1f);
            }
        }

        CountHour(day, time.UtcDateTime.Hour);
    }

    /// <summary>
    /// Adds the values of an observation to the expected set, as analyst feedback does: each gets at
    /// least the weight of an infrequent value at <paramref name="time"/>.
    /// </summary>
    public void Teach(in ProfileObservation observation, DateTimeOffset time)
    {
        var day = DayOf(time);
        if (firstDay == NoDay)
        {
            firstDay = day;
        }

        lastDay = Math.Max(lastDay, day);
        var weight = (float)(Options.InfrequentDaysPerMonth * ClassExposure(day) / 30.0 * 1.5);
        foreach (var dimension in ProfileObservation.Dimensions)
        {
            if (observation.KeyOf(dimension) is not { Length: > 0 } key)
            {
                continue;
            }

            var table = dimensions[(int)dimension];
            if (table.TryGetValue(key, out var entry) && Decayed(entry, day) >= weight)
            {
                continue;
            }

            if (!table.ContainsKey(key))
            {
                MakeRoom(dimension, table, day);
            }

            Remember((int)dimension, key);
            table[key] = new ProfileEntry(Math.Max(weight, 1f), day);
            KeepPruned(day);
        }
    }

    /// <summary>Returns the class of a value at <paramref name="time"/>.</summary>
    public FrequencyClass Classify(ProfileDimension dimension, string? key, DateTimeOffset time)
    {
        if (string.IsNullOrEmpty(key) || !dimensions[(int)dimension].TryGetValue(key, out var entry))
        {
            return FrequencyClass.Unseen;
        }

        var day = DayOf(time);
        return ClassOf(Decayed(entry, day), day);
    }

    /// <summary>
    /// Returns the class of a value as the profile knew it at the start of the UTC day of
    /// <paramref name="time"/>: a value first counted on that day is unseen. The anomaly rules score
    /// with this, so that every call of a burst from a new network or tool counts the network or tool
    /// as new, not only the first call.
    /// </summary>
    public FrequencyClass ClassifyAtDayStart(ProfileDimension dimension, string? key, DateTimeOffset time)
    {
        if (string.IsNullOrEmpty(key) || !dimensions[(int)dimension].TryGetValue(key, out var entry))
        {
            return FrequencyClass.Unseen;
        }

        // A value counted on earlier days weighs more than one day of use once counted again today.
        var day = DayOf(time);
        return entry.LastDay == day && entry.Weight <= 1f ? FrequencyClass.Unseen : ClassOf(Decayed(entry, day), day);
    }

    /// <summary>Returns up to <paramref name="count"/> values of a dimension that are not unseen, heaviest first.</summary>
    public IReadOnlyList<ProfiledValue> Top(ProfileDimension dimension, DateTimeOffset time, int count)
    {
        var day = DayOf(time);
        return [.. dimensions[(int)dimension]
            .Select(pair => (pair.Key, Weight: Decayed(pair.Value, day)))
            .Where(pair => pair.Weight >= Options.ForgetWeight)
            .OrderByDescending(pair => pair.Weight)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(pair => new ProfiledValue(pair.Key, ClassOf(pair.Weight, day)))];
    }

    /// <summary>Returns the decayed activity of each UTC hour of the day, 0 to 23.</summary>
    public IReadOnlyList<double> HourWeights(DateTimeOffset time)
    {
        var day = DayOf(time);
        var factor = hoursDay == NoDay ? 0 : Decay(Math.Max(0, day - hoursDay));
        return [.. hours.Select(weight => weight * factor)];
    }

    /// <summary>Drops values that have faded below <see cref="ProfileOptions.ForgetWeight"/> by <paramref name="time"/>.</summary>
    /// <remarks>
    /// A call for a day no later than the last full pass returns at once, because no value can have
    /// faded since (see <see cref="prunedDay"/>). A grain prunes before every call, and most calls
    /// fall on the day of the call before.
    /// </remarks>
    public void Prune(DateTimeOffset time)
    {
        var day = DayOf(time);
        if (prunedDay != NoDay && day <= prunedDay)
        {
            return;
        }

        for (var dimension = 0; dimension < dimensions.Length; dimension++)
        {
            List<string>? forgotten = null;
            foreach (var (key, entry) in dimensions[dimension])
            {
                if (Decayed(entry, day) < Options.ForgetWeight)
                {
                    (forgotten ??= []).Add(key);
                }
            }

            if (forgotten is null)
            {
                continue;
            }

            foreach (var key in forgotten)
            {
                RememberRemoval(dimension, key);
                dimensions[dimension].Remove(key);
            }
        }

        prunedDay = day;
    }

    /// <summary>Writes the profile in a compact binary form: values as UTF-8, weights as 32-bit floats, days relative to the last day.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(FormatVersion);
        writer.Write(firstDay);
        writer.Write(lastDay);
        writer.Write(lastActiveDay);
        writer.Write7BitEncodedInt64(EventCount);
        writer.Write7BitEncodedInt(ActiveDays);
        writer.Write(hoursDay);
        writer.Write(hoursCountedToday);
        foreach (var weight in hours)
        {
            writer.Write((Half)weight);
        }

        writer.Write((byte)dimensions.Length);
        foreach (var table in dimensions)
        {
            writer.Write7BitEncodedInt(table.Count);
            foreach (var (key, entry) in table)
            {
                writer.Write(key);
                writer.Write(entry.Weight);
                writer.Write7BitEncodedInt(lastDay - entry.LastDay);
            }
        }
    }

    /// <summary>Reads a profile written by <see cref="WriteTo"/>; the options bound it again, so a lower bound applies on load.</summary>
    /// <exception cref="InvalidDataException">The data is of another format version or damaged.</exception>
    public static BehaviorProfile ReadFrom(BinaryReader reader, ProfileOptions options)
    {
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Behaviour profile format version {version} is not supported; expected {FormatVersion}.");
        }

        var profile = new BehaviorProfile(options)
        {
            firstDay = reader.ReadInt32(),
            lastDay = reader.ReadInt32(),
            lastActiveDay = reader.ReadInt32(),
            EventCount = reader.Read7BitEncodedInt64(),
            ActiveDays = reader.Read7BitEncodedInt(),
            hoursDay = reader.ReadInt32(),
            hoursCountedToday = reader.ReadInt32(),
        };
        for (var hour = 0; hour < 24; hour++)
        {
            profile.hours[hour] = (float)reader.ReadHalf();
        }

        var dimensionCount = reader.ReadByte();
        for (var i = 0; i < dimensionCount; i++)
        {
            var count = reader.Read7BitEncodedInt();
            if (count < 0 || count > 1_000_000)
            {
                throw new InvalidDataException($"Behaviour profile dimension {i} claims {count} values.");
            }

            for (var j = 0; j < count; j++)
            {
                var key = reader.ReadString();
                var weight = reader.ReadSingle();
                var age = reader.Read7BitEncodedInt();
                if (i < profile.dimensions.Length)
                {
                    profile.dimensions[i][key] = new ProfileEntry(weight, profile.lastDay - age);
                }
            }
        }

        foreach (var dimension in ProfileObservation.Dimensions)
        {
            var table = profile.dimensions[(int)dimension];
            while (table.Count > options.MaxEntries(dimension))
            {
                profile.DropLeastUseful(dimension, table, profile.lastDay);
            }
        }

        return profile;
    }

    /// <summary>Returns the event-time day number (days since 1970-01-01 UTC).</summary>
    public static int DayOf(DateTimeOffset time) => (int)Math.Floor((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerDay);

    private static DateOnly DayToDate(int day) => DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(day));

    private void Count(ProfileDimension dimension, string key, int day, float amount)
    {
        var table = dimensions[(int)dimension];
        ref var known = ref CollectionsMarshal.GetValueRefOrNullRef(table, key);
        if (!Unsafe.IsNullRef(ref known))
        {
            // A value already counted on this day, or on a later one, is not counted again.
            if (day > known.LastDay)
            {
                Remember((int)dimension, key, known);
                known = new ProfileEntry((float)Decayed(known, day) + amount, day);
                KeepPruned(day, amount);
            }

            return;
        }

        MakeRoom(dimension, table, day);
        Remember((int)dimension, key, null);
        table.Add(key, new ProfileEntry(amount, day));
        KeepPruned(day, amount);
    }

    /// <summary>Clears <see cref="prunedDay"/> unless a value just written with <paramref name="weight"/> on <paramref name="day"/> keeps it true.</summary>
    private void KeepPruned(int day, float weight = 1f)
    {
        if (prunedDay != NoDay && (day < prunedDay || weight < 1f))
        {
            prunedDay = NoDay;
        }
    }

    private void MakeRoom(ProfileDimension dimension, Dictionary<string, ProfileEntry> table, int day)
    {
        while (table.Count >= Options.MaxEntries(dimension))
        {
            DropLeastUseful(dimension, table, day);
        }
    }

    private void DropLeastUseful(ProfileDimension dimension, Dictionary<string, ProfileEntry> table, int day)
    {
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
            RememberRemoval((int)dimension, weakest);
            table.Remove(weakest);
        }
    }

    private void CountHour(int day, int hour)
    {
        if (day > hoursDay)
        {
            var factor = hoursDay == NoDay ? 0 : (float)Decay(day - hoursDay);
            for (var i = 0; i < hours.Length; i++)
            {
                hours[i] *= factor;
            }

            hoursDay = day;
            hoursCountedToday = 0;
        }

        var bit = 1 << hour;
        if (day == hoursDay && (hoursCountedToday & bit) == 0)
        {
            hours[hour] += 1f;
            hoursCountedToday |= bit;
        }
    }

    private double Decayed(ProfileEntry entry, int day) => entry.Weight * Decay(Math.Max(0, day - entry.LastDay));

    private double Decay(int days) =>
        (uint)days < (uint)decayByDay.Length ? decayByDay[days] : Math.Pow(2, -days / Options.HalfLife.TotalDays);

    /// <summary>Returns the weight of a value used on every day from the profile's first day to <paramref name="day"/>.</summary>
    private double Exposure(int day) => ExposureOfDays(day - firstDay + 1);

    /// <summary>Returns the weight, on the last of them, of a value used on each of <paramref name="days"/> consecutive days.</summary>
    private double ExposureOfDays(int days)
    {
        var perDay = Decay(1);
        return (1 - Math.Pow(perDay, Math.Max(1, days))) / (1 - perDay);
    }

    /// <summary>
    /// Returns the exposure that a value's weight is compared with: the profile's own, but at least
    /// that of the learning period. A younger profile has not had the days to show how often a value
    /// recurs, and against its own one or two days a single day of use would count as daily.
    /// </summary>
    private double ClassExposure(int day) =>
        Math.Max(Exposure(day), ExposureOfDays((int)Math.Ceiling(Options.LearningPeriod.TotalDays)));

    private FrequencyClass ClassOf(double weight, int day)
    {
        if (weight < Options.ForgetWeight)
        {
            return FrequencyClass.Unseen;
        }

        var daysPerMonth = 30.0 * weight / ClassExposure(day);
        return daysPerMonth >= Options.FrequentDaysPerMonth ? FrequencyClass.Frequent
            : daysPerMonth >= Options.InfrequentDaysPerMonth ? FrequencyClass.Infrequent
            : FrequencyClass.Rare;
    }

    /// <summary>One value's weight (decayed day count) as of the last day it was used.</summary>
    private readonly record struct ProfileEntry(float Weight, int LastDay);
}

/// <summary>
/// Decay factors 2^(-days / half-life) for whole days, shared by the profiles of one half-life, so
/// that scoring does not call <see cref="Math.Pow"/> for every value it weighs. The values are the
/// ones <see cref="Math.Pow"/> returns, so a profile weighs the same with or without the table.
/// </summary>
internal static class DecayTable
{
    /// <summary>Days covered; older values use <see cref="Math.Pow"/> directly.</summary>
    public const int Days = 400;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<double, double[]> Tables = new();

    public static double[] For(double halfLifeDays) => Tables.GetOrAdd(halfLifeDays, Create);

    private static double[] Create(double halfLifeDays)
    {
        var factors = new double[Days];
        for (var days = 0; days < factors.Length; days++)
        {
            factors[days] = Math.Pow(2, -days / halfLifeDays);
        }

        return factors;
    }
}
