using System.Globalization;
using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// <c>vigil bench generate</c> and <c>vigil bench run</c> from the build output on a tiny corpus.
/// These tests check counts and output only, never speed.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private const int CloudTrailRecords = 2_000;
    private const int FlowRecords = 5_000;
    private const int Route53Records = 3_000;
    private const int ParquetFlowRecords = 6_000;

    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-bench-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task BenchRun_TinyCorpus_PrintsCountsAndRatios()
    {
        var corpus = Path.Combine(folder, "corpus");
        var generate = await GenerateAsync(corpus, seed: 7);
        Assert.True(generate.ExitCode == 0, generate.ToString());
        Assert.Contains($"Wrote {CloudTrailRecords} CloudTrail events", generate.Output, StringComparison.Ordinal);
        Assert.Contains($"and {FlowRecords} VPC flow records", generate.Output, StringComparison.Ordinal);

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", corpus);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("2,000", RecordsIn(run, "floor, CloudTrail"));
        Assert.Equal("5,000", RecordsIn(run, "floor, VPC flow"));
        Assert.Equal("2,000", RecordsIn(run, "Vigil readers only, CloudTrail"));
        Assert.Equal("5,000", RecordsIn(run, "Vigil readers only, VPC flow |"));
        Assert.Equal("3,000", RecordsIn(run, "floor, Route 53"));
        Assert.Equal("3,000", RecordsIn(run, "Vigil readers only, Route 53"));
        Assert.Equal("6,000", RecordsIn(run, "floor, VPC flow Parquet"));
        Assert.Equal("6,000", RecordsIn(run, "Vigil readers only, VPC flow Parquet"));
        Assert.True(RatioOf(run, "Vigil reader / floor, Route 53") > 0, run.ToString());
        Assert.True(RatioOf(run, "Vigil reader / floor, VPC flow Parquet") > 0, run.ToString());
        Assert.Equal("2,000", RecordsIn(run, "Vigil replay, CloudTrail"));
        Assert.Equal("5,000", RecordsIn(run, "Vigil replay, VPC flow"));
        Assert.True(RatioOf(run, "Vigil replay / floor, CloudTrail") > 0, run.ToString());
        Assert.True(RatioOf(run, "Vigil replay / floor, VPC flow") > 0, run.ToString());
        Assert.True(RatioOf(run, "Vigil reader / floor, CloudTrail") > 0, run.ToString());
        Assert.True(RatioOf(run, "Vigil reader / floor, VPC flow, per CPU second") > 0, run.ToString());
        Assert.Contains("- Vigil reader / floor, VPC flow: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("GC during \"Vigil replay, CloudTrail\": ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("jq, five rules", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Vigil host", run.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(corpus, "host-inbox")), "the run left a host-inbox folder in the corpus");
    }

    [Fact]
    public async Task BenchRun_WithJqBaseline()
    {
        var corpus = Path.Combine(folder, "corpus");
        var generate = await GenerateAsync(corpus, seed: 7);
        Assert.True(generate.ExitCode == 0, generate.ToString());

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", corpus, "--jq");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("2,000", RecordsIn(run, "jq, five rules, CloudTrail"));
        Assert.Equal("2,000", RecordsIn(run, "decompress only, CloudTrail"));
        Assert.True(RatioOf(run, "floor / jq, CloudTrail") > 0, run.ToString());
        var decompressOnly = RatioOf(run, "decompress only / jq, CloudTrail");
        Assert.True(decompressOnly > 0, run.ToString());
        Assert.True(RatioOf(run, "Vigil replay / jq, CloudTrail") > 0, run.ToString());

        // The note on the jq target appears exactly when decompression alone stays under 10 times jq.
        var note = run.Output.Contains("however little it does after decompressing", StringComparison.Ordinal);
        Assert.Equal(decompressOnly < 10, note);
    }

    [Fact]
    public async Task BenchRun_ReadersOnly_MeasuresReadersWithoutReplay()
    {
        var corpus = Path.Combine(folder, "corpus");
        var generate = await GenerateAsync(corpus, seed: 5);
        Assert.True(generate.ExitCode == 0, generate.ToString());

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", corpus, "--readers-only");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("2,000", RecordsIn(run, "Vigil readers only, CloudTrail"));
        Assert.Equal("3,000", RecordsIn(run, "Vigil readers only, Route 53"));
        Assert.Contains("- Vigil reader / floor, VPC flow Parquet: ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Vigil replay", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchRun_ReadersOnlyRounds_ReportsMedians()
    {
        var corpus = Path.Combine(folder, "corpus");
        var generate = await GenerateAsync(corpus, seed: 5);
        Assert.True(generate.ExitCode == 0, generate.ToString());

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", corpus, "--readers-only", "--rounds", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("6,000", RecordsIn(run, "floor, CloudTrail: gzip + Utf8JsonReader, 3 rounds added up"));
        Assert.Equal("6,000", RecordsIn(run, "Vigil readers only, CloudTrail, 3 rounds added up"));
        Assert.Equal("18,000", RecordsIn(run, "Vigil readers only, VPC flow Parquet, 3 rounds added up"));
        Assert.True(RatioOf(run, "Vigil reader / floor, Route 53, median of 3 rounds") > 0, run.ToString());
        Assert.True(RatioOf(run, "Vigil reader / floor, VPC flow, per CPU second, median of 3 rounds") > 0, run.ToString());
        Assert.Contains("- Vigil reader / floor, VPC flow Parquet, median of 3 rounds: ", run.Output, StringComparison.Ordinal);
        var perRound = run.Output.Split('\n').Single(line => line.StartsWith("- Vigil reader / floor, Route 53, per round: ", StringComparison.Ordinal));
        Assert.Equal(3, perRound.Split(" (per CPU second")[0].Split(':')[1].Split(',').Length);
        Assert.Contains("- Before the first round, each kind's floor and reader read all of its files once without being measured", run.Output, StringComparison.Ordinal);
        Assert.Contains("bench: warm-up, Route 53: floor and reader over every file once, not measured", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchRun_OneFileFromMemory_ReadsEveryRecord()
    {
        var corpus = Path.Combine(folder, "corpus");
        var generate = await GenerateAsync(corpus, seed: 5);
        Assert.True(generate.ExitCode == 0, generate.ToString());

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", corpus, "--readers-only", "--files-at-a-time", "1", "--from-memory");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("2,000", RecordsIn(run, "Vigil readers only, CloudTrail"));
        Assert.Equal("2,000", RecordsIn(run, "floor, CloudTrail: gzip + Utf8JsonReader"));
        Assert.Equal("3,000", RecordsIn(run, "Vigil readers only, Route 53"));
        Assert.Equal("1 file at a time, from memory", Row(run, "Vigil readers only, VPC flow Parquet")[1]);
        Assert.Contains("bench: loaded the corpus files into memory", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchRun_FromMemoryWithoutReadersOnly_Rejected()
    {
        Directory.CreateDirectory(folder);

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", folder, "--from-memory");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--files-at-a-time and --from-memory apply only to --readers-only", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchRun_RoundsWithoutReadersOnly_Rejected()
    {
        Directory.CreateDirectory(folder);

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", folder, "--rounds", "3");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--rounds applies only to --readers-only", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchRun_ReadersOnlyWithHost_Rejected()
    {
        Directory.CreateDirectory(folder);

        var run = await CliProcess.RunAsync(null, "bench", "run", "--corpus", folder, "--readers-only", "--host");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--readers-only measures the floors and readers alone", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchGenerate_SameSeed_SameFiles()
    {
        var first = Path.Combine(folder, "first");
        var second = Path.Combine(folder, "second");

        var firstResult = await GenerateAsync(first, seed: 3);
        var secondResult = await GenerateAsync(second, seed: 3);

        Assert.True(firstResult.ExitCode == 0, firstResult.ToString());
        Assert.True(secondResult.ExitCode == 0, secondResult.ToString());
        var firstLogs = LogFiles(first);
        Assert.Equal(firstLogs, LogFiles(second));
        Assert.Contains(firstLogs, key => key.Contains("logs/AWSLogs/", StringComparison.Ordinal) && key.Contains("/CloudTrail/", StringComparison.Ordinal));
        Assert.Contains(firstLogs, key => key.Contains("/vpcflowlogs/", StringComparison.Ordinal));
        Assert.Contains(firstLogs, key => key.StartsWith("reader-logs/", StringComparison.Ordinal) && key.Contains("/vpcdnsquerylogs/", StringComparison.Ordinal));
        Assert.Contains(firstLogs, key => key.StartsWith("reader-logs/", StringComparison.Ordinal) && key.EndsWith(".parquet", StringComparison.Ordinal));
        foreach (var key in firstLogs)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(first, key)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, key))),
                $"{key} differs between two corpora of seed 3");
        }
    }

    [Fact]
    public async Task BenchSoak_NonEmptyWorkFolder_Rejected()
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "keep.txt"), "x");

        var soak = await CliProcess.RunAsync(null, "bench", "soak", "--work", folder, "--minutes", "1");

        Assert.True(soak.ExitCode == 2, soak.ToString());
        Assert.Contains("is a file or a folder that is not empty", soak.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "keep.txt")), "the soak command touched a folder it rejected");
    }

    [Theory]
    [InlineData("--minutes", "0")]
    [InlineData("--round-seconds", "0")]
    [InlineData("--events-per-file", "0")]
    public async Task BenchSoak_OutOfRange_Rejected(string option, string value)
    {
        var soak = await CliProcess.RunAsync(null, "bench", "soak", "--work", Path.Combine(folder, "soak"), option, value);

        Assert.True(soak.ExitCode == 2, soak.ToString());
        Assert.Contains("--minutes must be 1 to 10080", soak.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "soak")), "the soak command created its folder before it checked the options");
    }

    [Fact]
    public async Task BenchGenerate_NonEmptyFolder_Rejected()
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "not a corpus");

        var result = await GenerateAsync(folder, seed: 7);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not empty", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "logs")), "a rejected generate wrote logs");
    }

    private static Task<CliResult> GenerateAsync(string output, int seed) => CliProcess.RunAsync(
        null,
        "bench", "generate", "--out", output,
        "--cloudtrail-records", CloudTrailRecords.ToString(CultureInfo.InvariantCulture),
        "--flow-records", FlowRecords.ToString(CultureInfo.InvariantCulture),
        "--route53-records", Route53Records.ToString(CultureInfo.InvariantCulture),
        "--parquet-flow-records", ParquetFlowRecords.ToString(CultureInfo.InvariantCulture),
        "--seed", seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>The log files of a corpus, below logs/ and reader-logs/, relative to the corpus folder.</summary>
    private static List<string> LogFiles(string corpus) =>
        [.. new[] { "logs", "reader-logs" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(corpus, folder), "*", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(corpus, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>Returns the cells of the report table row whose measurement starts with <paramref name="measurement"/>.</summary>
    private static string[] Row(CliResult run, string measurement)
    {
        var line = run.Output.Split('\n').FirstOrDefault(candidate => candidate.StartsWith("| " + measurement, StringComparison.Ordinal));
        Assert.True(line is not null, $"no row '{measurement}' in the report:\n{run}");
        return [.. line.Split('|', StringSplitOptions.TrimEntries)[1..^1]];
    }

    /// <summary>Returns the records cell of a measurement row: the third column, after the name and the parallelism.</summary>
    private static string RecordsIn(CliResult run, string measurement) => Row(run, measurement)[2];

    private static double RatioOf(CliResult run, string name) => double.Parse(Row(run, name)[1], CultureInfo.InvariantCulture);
}
