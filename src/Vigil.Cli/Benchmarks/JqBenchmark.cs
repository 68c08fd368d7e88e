using System.Diagnostics;
using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The jq baseline: five single-record rules as one jq filter, run as <c>zcat FILES | jq -c -f PROGRAM</c>
/// over the CloudTrail files, with as many pipelines at a time as there are cores. Every matching
/// record is printed as jq prints it and counted here.
/// </summary>
internal static class JqBenchmark
{
    /// <summary>
    /// The five rules: root credentials used, StopLogging, a console sign-in from outside
    /// 203.0.113.0/24 (the demo estate's office range), a SAML provider update and an access key created.
    /// </summary>
    public const string Program = """
        .Records[]
        | select(
            (.userIdentity.type == "Root" and .userIdentity.invokedBy == null and .eventType != "AwsServiceEvent")
            or (.eventSource == "cloudtrail.amazonaws.com" and .eventName == "StopLogging")
            or (.eventName == "ConsoleLogin" and ((.sourceIPAddress // "") | startswith("203.0.113.") | not))
            or (.eventSource == "iam.amazonaws.com" and .eventName == "UpdateSAMLProvider")
            or (.eventSource == "iam.amazonaws.com" and .eventName == "CreateAccessKey")
          )
        """;

    /// <summary>Files per pipeline: enough that starting processes costs little, few enough to keep every core busy to the end.</summary>
    private const int FilesPerPipeline = 32;

    /// <summary>Returns the path of <paramref name="program"/> on PATH, or null when it is not there.</summary>
    public static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs the rules over <paramref name="objects"/> and returns the records scanned, with the matches in <see cref="JqResult.Matches"/>.</summary>
    public static async Task<JqResult> RunAsync(IReadOnlyList<LogObject> objects, long records, CancellationToken cancellationToken)
    {
        var programFile = Path.Combine(Path.GetTempPath(), $"vigil-bench-{Guid.NewGuid():N}.jq");
        await File.WriteAllTextAsync(programFile, Program + "\n", cancellationToken);
        try
        {
            var batches = objects.Select(item => item.Path).Chunk(FilesPerPipeline).ToList();
            long matches = 0;
            var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
            var stopwatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(batches, options, async (files, token) =>
                Interlocked.Add(ref matches, await RunPipelineAsync(programFile, files, token)));
            stopwatch.Stop();

            // The work runs in child processes that exit before they can be measured, so no peak is given.
            return new JqResult(new PhaseMeasurement(records, stopwatch.Elapsed, PeakBytes: null, PeakCoversPhaseOnly: false), matches);
        }
        finally
        {
            File.Delete(programFile);
        }
    }

    /// <summary>Runs one <c>zcat | jq</c> pipeline in bash over <paramref name="files"/> and returns the number of lines jq printed.</summary>
    private static async Task<long> RunPipelineAsync(string programFile, string[] files, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        // bash -c SCRIPT NAME ARGS sets $0 to NAME and "$@" to ARGS, so no path is ever quoted into the script.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("set -o pipefail; zcat -- \"$@\" | jq -c -f \"$0\"");
        start.ArgumentList.Add(programFile);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Starting bash for the jq pipeline failed.");
        using var stop = cancellationToken.Register(() => StopPipeline(process));
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        long lines = 0;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is not null)
        {
            lines++;
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"zcat | jq failed with exit code {process.ExitCode} on {files.Length} files starting with '{files[0]}': {(await errors).Trim()}");
        }

        return lines;
    }

    private static void StopPipeline(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // The pipeline has already exited.
        }
    }
}

/// <summary>The jq baseline's measurement and the number of records its rules matched.</summary>
internal sealed record JqResult(PhaseMeasurement Measurement, long Matches);
