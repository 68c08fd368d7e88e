using System.Globalization;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Peak resident set size of a process: the <c>VmHWM</c> line of <c>/proc/PID/status</c>, which
/// Linux keeps as the highest resident set size since the process started or since it was reset.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>Returns the peak resident set size of <paramref name="processId"/> in bytes, or null where /proc does not report it.</summary>
    public static long? ReadPeak(int processId) => ReadStatusKilobytes(processId, "VmHWM:");

    /// <summary>Returns the current resident set size (<c>VmRSS</c>) of <paramref name="processId"/> in bytes, or null where /proc does not report it.</summary>
    public static long? ReadResident(int processId) => ReadStatusKilobytes(processId, "VmRSS:");

    private static long? ReadStatusKilobytes(int processId, string field)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{processId}/status");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        foreach (var line in lines)
        {
            if (!line.StartsWith(field, StringComparison.Ordinal))
            {
                continue;
            }

            var value = line[field.Length..].Trim();
            var number = value.EndsWith(" kB", StringComparison.Ordinal) ? value[..^3].Trim() : value;
            return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes) ? kilobytes * 1024 : null;
        }

        return null;
    }

    /// <summary>
    /// Collects garbage and resets this process's peak to its current resident set size by writing 5
    /// to <c>/proc/self/clear_refs</c>, so the next <see cref="ReadPeak"/> covers one phase only.
    /// Returns false where the kernel does not allow the reset, and the peak then counts from process start.
    /// </summary>
    public static bool ResetOwnPeak()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
