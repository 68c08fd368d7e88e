using Vigil.Contracts.Storage;

namespace Vigil.Console.Display;

/// <summary>The time ranges the overview offers.</summary>
public enum OverviewRange
{
    /// <summary>24 hours in hour buckets.</summary>
    Day,

    /// <summary>7 days in day buckets.</summary>
    Week,

    /// <summary>30 days in day buckets.</summary>
    Month,
}

/// <summary>Names, URL values and lengths of the <see cref="OverviewRange"/> values.</summary>
internal static class OverviewRanges
{
    public static IReadOnlyList<OverviewRange> All { get; } = [OverviewRange.Day, OverviewRange.Week, OverviewRange.Month];

    /// <summary>Returns the range of a URL value; an unknown or missing value gives <see cref="OverviewRange.Week"/>.</summary>
    public static OverviewRange Parse(string? value) => value switch
    {
        "24h" => OverviewRange.Day,
        "30d" => OverviewRange.Month,
        _ => OverviewRange.Week,
    };

    public static string Value(OverviewRange range) => range switch
    {
        OverviewRange.Day => "24h",
        OverviewRange.Month => "30d",
        _ => "7d",
    };

    public static string Label(OverviewRange range) => range switch
    {
        OverviewRange.Day => "24 hours",
        OverviewRange.Month => "30 days",
        _ => "7 days",
    };

    /// <summary>The overview page's relative URL with this range.</summary>
    public static string Href(OverviewRange range) => "?range=" + Value(range);

    public static TimeSpan Length(OverviewRange range) => range switch
    {
        OverviewRange.Day => TimeSpan.FromHours(24),
        OverviewRange.Month => TimeSpan.FromDays(30),
        _ => TimeSpan.FromDays(7),
    };

    public static OverviewBucket Bucket(OverviewRange range) => range == OverviewRange.Day ? OverviewBucket.Hour : OverviewBucket.Day;
}

/// <summary>
/// The time window the overview shows: whole buckets of the range's length, ending with the bucket
/// that contains the current time. When the tenant's newest finding is older than the window's
/// start, as after a replay of old logs, the window ends with the newest finding's bucket instead.
/// </summary>
internal sealed record OverviewWindow(DateTimeOffset From, DateTimeOffset To, OverviewBucket Bucket, bool AnchoredAtNewest)
{
    public TimeSpan Step => Bucket == OverviewBucket.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);

    public static OverviewWindow For(OverviewRange range, DateTimeOffset now, DateTimeOffset? newestFinding)
    {
        var bucket = OverviewRanges.Bucket(range);
        var step = bucket == OverviewBucket.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var length = OverviewRanges.Length(range);
        var end = Floor(now, step) + step;
        var anchored = false;
        if (newestFinding is { } newest && newest < end - length)
        {
            end = Floor(newest, step) + step;
            anchored = true;
        }

        return new OverviewWindow(end - length, end, bucket, anchored);
    }

    public OverviewQuery ToQuery() => new() { From = From, To = To, Bucket = Bucket, TopCount = 10 };

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % step.Ticks), TimeSpan.Zero);
    }
}
