using System.Globalization;

namespace Vigil.Cli.Benchmarks;

/// <summary>Number formats of the benchmark report: invariant culture, thousands separators, binary units.</summary>
internal static class BenchFormat
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Returns seconds with two decimals below 10 s and one above, such as 0.42 or 61.3.</summary>
    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString(elapsed.TotalSeconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string Rate(double recordsPerSecond) => recordsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Returns a ratio with three significant digits, such as 0.0412 or 1.37.</summary>
    public static string Ratio(double ratio) => ratio >= 100
        ? ratio.ToString("N0", CultureInfo.InvariantCulture)
        : ratio.ToString("G3", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " KiB",
    };
}
