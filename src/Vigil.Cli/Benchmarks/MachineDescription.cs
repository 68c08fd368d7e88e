using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Vigil.Cli.Benchmarks;

/// <summary>The machine a benchmark ran on, as read from /proc and the .NET runtime.</summary>
internal sealed record MachineDescription(int Cores, string CpuModel, long? MemoryBytes, string OperatingSystem, string Runtime)
{
    public static MachineDescription Read() => new(
        Environment.ProcessorCount,
        ReadCpuModel() ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ReadMemoryTotal(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    /// <summary>Returns the 1, 5 and 15 minute load averages from /proc/loadavg as written there, or null where it is missing.</summary>
    public static string? ReadLoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? $"{fields[0]}, {fields[1]}, {fields[2]}" : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Returns a one-line description such as "2 cores (AMD EPYC), 23.4 GiB memory, Linux 6.1.0, .NET 10.0.0
    /// (workstation GC in vigil)". The GC mode is this process's, which the replay runs in.
    /// </summary>
    public string Describe()
    {
        var memory = MemoryBytes is { } bytes ? $", {BenchFormat.Bytes(bytes)} memory" : "";
        var garbageCollector = GCSettings.IsServerGC ? "server GC" : "workstation GC";
        return $"{Cores} cores ({CpuModel}){memory}, {OperatingSystem}, {Runtime} ({garbageCollector} in vigil)";
    }

    private static string? ReadCpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }

    private static long? ReadMemoryTotal()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var number = line["MemTotal:".Length..].Trim().Split(' ')[0];
                    return long.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }

        return null;
    }
}
