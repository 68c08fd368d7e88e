namespace Vigil.Detection.Endpoints;

/// <summary>
/// Vigil's beaconing score for the connection starts of one endpoint to one peer. Malware that polls
/// its controller opens connections at a fixed period, often with random jitter, and each exchange
/// has about the same size; people and most software do neither.
/// </summary>
/// <remarks>
/// With intervals d (seconds between consecutive connection starts) and sizes b (bytes of each
/// connection's flow record), the score uses robust dispersions, so that one missed or extra
/// connection does not hide a beacon:
/// <c>Dt = MAD(d) / median(d)</c> and <c>Ds = MAD(b) / median(b)</c>, each capped at 1, where MAD is the
/// median absolute deviation from the median. The score is <c>1 - (Dt + Ds) / 2</c>, between 0 and 1.
/// A beacon with 20 % uniform jitter has Dt near 0.1; connections at random (Poisson) times have Dt
/// near 0.7. A pair is a beacon when it has at least <see cref="MinimumSamples"/> connections spread
/// over at least <see cref="MinimumSpan"/>, a median interval from <see cref="MinimumInterval"/> to
/// <see cref="MaximumInterval"/>, <c>Dt &lt;= </c><see cref="MaximumIntervalDispersion"/> and a score of
/// at least <see cref="Threshold"/>.
/// </remarks>
public readonly record struct BeaconScore(double Score, double IntervalDispersion, double SizeDispersion, double MedianIntervalSeconds, double MedianBytes, int Samples, TimeSpan Span)
{
    public const int MinimumSamples = 12;
    public const double Threshold = 0.8;
    public const double MaximumIntervalDispersion = 0.25;
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaximumInterval = TimeSpan.FromHours(6);

    /// <summary>True when the samples meet every condition of a beacon.</summary>
    public bool IsBeacon =>
        Samples >= MinimumSamples
        && Span >= MinimumSpan
        && MedianIntervalSeconds >= MinimumInterval.TotalSeconds
        && MedianIntervalSeconds <= MaximumInterval.TotalSeconds
        && IntervalDispersion <= MaximumIntervalDispersion
        && Score >= Threshold;

    /// <summary>Scores samples sorted by time; fewer than three samples give a score of 0.</summary>
    public static BeaconScore Of(IReadOnlyList<ConnectionSample> samples)
    {
        if (samples.Count < 3)
        {
            return new BeaconScore(0, 1, 1, 0, 0, samples.Count, TimeSpan.Zero);
        }

        var intervals = new double[samples.Count - 1];
        for (var i = 1; i < samples.Count; i++)
        {
            intervals[i - 1] = samples[i].Seconds - samples[i - 1].Seconds;
        }

        var sizes = new double[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            sizes[i] = samples[i].Bytes;
        }

        var (medianInterval, intervalDispersion) = Dispersion(intervals);
        var (medianBytes, sizeDispersion) = Dispersion(sizes);
        var score = 1 - ((intervalDispersion + sizeDispersion) / 2);
        var span = TimeSpan.FromSeconds(samples[^1].Seconds - samples[0].Seconds);
        return new BeaconScore(score, intervalDispersion, sizeDispersion, medianInterval, medianBytes, samples.Count, span);
    }

    /// <summary>Returns the median and MAD / median capped at 1 (1 when the median is 0).</summary>
    private static (double Median, double Dispersion) Dispersion(double[] values)
    {
        var median = Median(values);
        if (median <= 0)
        {
            return (median, 1);
        }

        var deviations = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            deviations[i] = Math.Abs(values[i] - median);
        }

        return (median, Math.Min(1, Median(deviations) / median));
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
