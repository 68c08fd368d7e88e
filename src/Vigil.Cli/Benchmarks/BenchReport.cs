using System.Text;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// One measured phase: records handled, wall-clock time, the peak resident set size of the process
/// that did the work, and that process's CPU time during the phase where it was measured.
/// </summary>
internal sealed record PhaseMeasurement(long Records, TimeSpan Elapsed, long? PeakBytes, bool PeakCoversPhaseOnly)
{
    public long Rejected { get; init; }

    public int FailedObjects { get; init; }

    public TimeSpan? CpuTime { get; init; }

    /// <summary>The garbage collector's work during the phase, where it ran in this process.</summary>
    public GcActivity? Gc { get; init; }

    public double RecordsPerSecond => Elapsed > TimeSpan.Zero ? Records / Elapsed.TotalSeconds : 0;

    public double? RecordsPerCpuSecond => CpuTime is { } cpu && cpu > TimeSpan.Zero ? Records / cpu.TotalSeconds : null;
}

/// <summary>Collects the results of <c>vigil bench run</c> and renders them as a Markdown section.</summary>
internal sealed class BenchReport
{
    private readonly List<(string Name, string Parallelism, PhaseMeasurement Result)> rows = [];
    private readonly List<(string Name, double Value)> ratios = [];
    private readonly List<string> notes = [];
    private readonly List<string> targets = [];

    public void Add(string name, string parallelism, PhaseMeasurement result) => rows.Add((name, parallelism, result));

    /// <summary>Adds the ratio of the records per second of <paramref name="measured"/> to those of <paramref name="baseline"/>.</summary>
    public void AddRatio(string name, PhaseMeasurement measured, PhaseMeasurement baseline)
    {
        if (baseline.RecordsPerSecond > 0)
        {
            ratios.Add((name, measured.RecordsPerSecond / baseline.RecordsPerSecond));
        }
    }

    /// <summary>Adds a ratio computed by the caller, such as a median over rounds.</summary>
    public void AddRatio(string name, double value) => ratios.Add((name, value));

    /// <summary>Adds the ratio of records per CPU second, which depends less on the machine's load than <see cref="AddRatio(string, PhaseMeasurement, PhaseMeasurement)"/>.</summary>
    public void AddCpuRatio(string name, PhaseMeasurement measured, PhaseMeasurement baseline)
    {
        if (measured.RecordsPerCpuSecond is { } value && baseline.RecordsPerCpuSecond is { } reference && reference > 0)
        {
            ratios.Add((name, value / reference));
        }
    }

    public void AddNote(string note) => notes.Add(note);

    /// <summary>Adds a line that states whether a measured value reached its target and, if not, by how much it missed.</summary>
    public void AddTarget(string name, double value, double target, bool atMost, Func<double, string> format)
    {
        var met = atMost ? value <= target : value >= target;
        var comparison = atMost ? "at most" : "at least";
        var verdict = met
            ? "met"
            : $"missed by a factor of {BenchFormat.Ratio(atMost ? value / target : target / value)}";
        targets.Add($"{name}: {format(value)} (target: {comparison} {format(target)}): {verdict}");
    }

    public string ToMarkdown(string title, string command, string? corpusCommand, MachineDescription machine, string? loadBefore, string? loadAfter)
    {
        var text = new StringBuilder();
        text.AppendLine($"## {title}");
        text.AppendLine();
        text.AppendLine($"- Command: `{command}`");
        if (corpusCommand is not null)
        {
            text.AppendLine($"- Corpus: `{corpusCommand}`");
        }

        text.AppendLine($"- Machine: {machine.Describe()}");
        text.AppendLine($"- Load average (1, 5, 15 min): {loadBefore ?? "unknown"} before, {loadAfter ?? "unknown"} after");
        text.AppendLine();
        text.AppendLine("| measurement | parallelism | records | seconds | records/s | CPU seconds | records/CPU second | peak working set |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, parallelism, result) in rows)
        {
            var cpu = result.CpuTime is { } time ? BenchFormat.Seconds(time) : "not measured";
            var perCpu = result.RecordsPerCpuSecond is { } rate ? BenchFormat.Rate(rate) : "not measured";
            text.AppendLine($"| {name} | {parallelism} | {BenchFormat.Count(result.Records)} | {BenchFormat.Seconds(result.Elapsed)} | {BenchFormat.Rate(result.RecordsPerSecond)} | {cpu} | {perCpu} | {Peak(result)} |");
        }

        if (ratios.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| ratio of records/s | value |");
            text.AppendLine("|---|---:|");
            foreach (var (name, value) in ratios)
            {
                text.AppendLine($"| {name} | {BenchFormat.Ratio(value)} |");
            }
        }

        if (targets.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Targets:");
            text.AppendLine();
            foreach (var target in targets)
            {
                text.AppendLine($"- {target}");
            }
        }

        var gcNotes = rows.Where(row => row.Result.Gc is not null).Select(row => $"GC during \"{row.Name}\": {row.Result.Gc!.Describe(row.Result.Records)}.").ToList();
        if (notes.Count + gcNotes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in notes.Concat(gcNotes))
            {
                text.AppendLine($"- {note}");
            }
        }

        return text.ToString();
    }

    private static string Peak(PhaseMeasurement result) => result.PeakBytes switch
    {
        null => "not measured",
        { } bytes when result.PeakCoversPhaseOnly => BenchFormat.Bytes(bytes),
        { } bytes => BenchFormat.Bytes(bytes) + " (since process start)",
    };
}
