using System.Diagnostics;
using System.Globalization;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// CPU time (user and system) that a process used. On a loaded machine the wall-clock time of a phase
/// grows with the other processes' load, and its CPU time much less, so records per CPU second
/// compare runs that had different loads.
/// </summary>
internal static class ProcessCpu
{
    /// <summary>
    /// Linux reports the times in <c>/proc/PID/stat</c> in clock ticks of USER_HZ, which is 100 on
    /// x86-64 and Arm Linux.
    /// </summary>
    private const double TicksPerSecond = 100;

    public static TimeSpan ReadOwn()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Returns the CPU time of <paramref name="processId"/>, or null where /proc does not report it.</summary>
    public static TimeSpan? Read(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may contain spaces, so count the fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var userTicks)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var systemTicks))
        {
            return null;
        }

        return TimeSpan.FromSeconds((userTicks + systemTicks) / TicksPerSecond);
    }
}
