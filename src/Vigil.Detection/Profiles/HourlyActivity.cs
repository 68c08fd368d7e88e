namespace Vigil.Detection.Profiles;

/// <summary>
/// A principal's events per UTC hour of event time: the count of the current hour and the busiest
/// learned hour, a maximum of the completed hours' counts that decays with the profile's half-life.
/// An hour is unusual when it has at least <see cref="MinimumEvents"/> events and more than
/// <see cref="Factor"/> times the busiest learned hour.
/// </summary>
/// <remarks>
/// An hour joins the maximum when an event of a later hour arrives, so the current hour is always
/// compared with earlier hours only. An event of an hour before the current one arrives late and is
/// not counted here. Serialised in 21 bytes. Not thread-safe; a grain owns one.
/// </remarks>
public sealed class HourlyActivity
{
    /// <summary>Fewest events of an hour that can be unusual, so a principal with a quiet history is not flagged for an ordinary busy hour.</summary>
    public const int MinimumEvents = 30;

    /// <summary>How many times the busiest learned hour an hour must exceed to be unusual.</summary>
    public const double Factor = 3;

    private const long NoHour = long.MinValue;
    private const int NoDay = int.MinValue;

    private long currentHour = NoHour;
    private int currentCount;
    private bool reported;
    private float busiest;
    private int busiestDay = NoDay;

    /// <summary>Events counted in the current hour.</summary>
    public int CurrentCount => currentCount;

    /// <summary>Start of the current hour, or null before the first event.</summary>
    public DateTimeOffset? CurrentHourStart => currentHour == NoHour ? null : DateTimeOffset.UnixEpoch.AddHours(currentHour);

    /// <summary>Returns the busiest learned hour's events, decayed to the UTC day of <paramref name="time"/>; 0 before the first completed hour.</summary>
    public double BusiestHour(DateTimeOffset time, ProfileOptions options)
    {
        if (busiestDay == NoDay)
        {
            return 0;
        }

        var days = Math.Max(0, BehaviorProfile.DayOf(time) - busiestDay);
        return busiest * Math.Pow(2, -days / options.HalfLife.TotalDays);
    }

    /// <summary>
    /// Counts an event at <paramref name="time"/>, first moving a completed hour into the busiest
    /// learned hour. Returns false for a late event of an earlier hour, which is not counted.
    /// </summary>
    public bool Count(DateTimeOffset time, ProfileOptions options)
    {
        var hour = HourOf(time);
        if (currentHour != NoHour && hour < currentHour)
        {
            return false;
        }

        if (hour > currentHour)
        {
            CompleteHour(options);
            currentHour = hour;
            currentCount = 0;
            reported = false;
        }

        currentCount = currentCount == int.MaxValue ? currentCount : currentCount + 1;
        return true;
    }

    /// <summary>
    /// Returns true once per hour: for the first call in which the current hour is unusual. The
    /// caller calls this only for principals past their learning period.
    /// </summary>
    public bool TryReportUnusual(ProfileOptions options)
    {
        if (reported || currentHour == NoHour || currentCount < MinimumEvents)
        {
            return false;
        }

        var start = DateTimeOffset.UnixEpoch.AddHours(currentHour);
        if (currentCount <= Factor * BusiestHour(start, options))
        {
            return false;
        }

        reported = true;
        return true;
    }

    /// <summary>Returns the counts as they are now, for <see cref="Restore"/>.</summary>
    internal (long CurrentHour, int CurrentCount, bool Reported, float Busiest, int BusiestDay) Capture() =>
        (currentHour, currentCount, reported, busiest, busiestDay);

    /// <summary>Puts back the counts that <see cref="Capture"/> returned.</summary>
    internal void Restore((long CurrentHour, int CurrentCount, bool Reported, float Busiest, int BusiestDay) state) =>
        (currentHour, currentCount, reported, busiest, busiestDay) = state;

    /// <summary>Writes the state: hour numbers as 64-bit integers, the maximum as a 32-bit float.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(currentHour);
        writer.Write(currentCount);
        writer.Write(reported);
        writer.Write(busiest);
        writer.Write(busiestDay);
    }

    /// <summary>Reads the state that <see cref="WriteTo"/> wrote.</summary>
    /// <exception cref="InvalidDataException">A count or the maximum is negative or not a number.</exception>
    public static HourlyActivity ReadFrom(BinaryReader reader)
    {
        var activity = new HourlyActivity
        {
            currentHour = reader.ReadInt64(),
            currentCount = reader.ReadInt32(),
            reported = reader.ReadBoolean(),
            busiest = reader.ReadSingle(),
            busiestDay = reader.ReadInt32(),
        };
        if (activity.currentCount < 0 || !float.IsFinite(activity.busiest) || activity.busiest < 0)
        {
            throw new InvalidDataException($"Hourly activity claims {activity.currentCount} events in the current hour and a busiest hour of {activity.busiest}.");
        }

        return activity;
    }

    private static long HourOf(DateTimeOffset time) => (long)Math.Floor((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerHour);

    private void CompleteHour(ProfileOptions options)
    {
        if (currentHour == NoHour)
        {
            return;
        }

        var start = DateTimeOffset.UnixEpoch.AddHours(currentHour);
        busiest = (float)Math.Max(BusiestHour(start, options), currentCount);
        busiestDay = BehaviorProfile.DayOf(start);
    }
}
