using System.Text;

namespace Vigil.Cli.Benchmarks;

/// <summary>One measured phase: records handled, wall-clock time and the peak resident set size of the process that did the work.</summary>
internal sealed record PhaseMeasurement(long Records, TimeSpan Elapsed, long? PeakBytes, bool PeakCoversPhaseOnly)
{
    public long Rejected { get; init; }

    public int FailedObjects { get; init; }

    public double RecordsPerSecond => Elapsed > TimeSpan.Zero ? Records / Elapsed.TotalSeconds : 0;
}

/// <summary>Collects the results of <c>vigil bench run</c> and renders them as a Markdown section.</summary>
internal sealed class BenchReport
{
    private readonly List<(string Name, string Parallelism, PhaseMeasurement Result)> rows = [];
    private readonly List<(string Name, double Value)> ratios = [];
    private readonly List<string> notes = [];

    public void Add(string name, string parallelism, PhaseMeasurement result) => rows.Add((name, parallelism, result));

    /// <summary>Adds the ratio of the records per second of <paramref name="measured"/> to those of <paramref name="baseline"/>.</summary>
    public void AddRatio(string name, PhaseMeasurement measured, PhaseMeasurement baseline)
    {
        if (baseline.RecordsPerSecond > 0)
        {
            ratios.Add((name, measured.RecordsPerSecond / baseline.RecordsPerSecond));
        }
    }

    public void AddNote(string note) => notes.Add(note);

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
        text.AppendLine("| measurement | parallelism | records | seconds | records/s | peak working set |");
        text.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (name, parallelism, result) in rows)
        {
            text.AppendLine($"| {name} | {parallelism} | {BenchFormat.Count(result.Records)} | {BenchFormat.Seconds(result.Elapsed)} | {BenchFormat.Rate(result.RecordsPerSecond)} | {Peak(result)} |");
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

        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in notes)
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
