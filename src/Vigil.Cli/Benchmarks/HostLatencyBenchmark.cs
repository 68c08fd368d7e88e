using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Npgsql;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The latency of the running host after the corpus: one small CloudTrail file at a time is moved
/// into the watched folder, and the time runs until the ledger lists the file. The host writes the
/// ledger entry only after the file's findings are stored, so from then on the console shows them.
/// Each file has one root-credential call, which raises a finding.
/// </summary>
internal static class HostLatencyBenchmark
{
    /// <summary>The folder below the inbox that contains the latency files; it is deleted after the phase.</summary>
    public const string FolderName = "latency";

    public const int Files = 100;

    private const string AccountId = "111122223333";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static async Task<LatencyMeasurement> RunAsync(string corpusFolder, string inbox, NpgsqlDataSource dataSource, string tenantId, TimeSpan timeoutPerFile, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(corpusFolder, "latency-staging");
        var target = Path.Combine(inbox, FolderName);
        Directory.CreateDirectory(staging);
        Directory.CreateDirectory(target);
        var latencies = new List<TimeSpan>(Files);
        var problems = new List<string>();
        try
        {
            for (var index = 0; index < Files; index++)
            {
                var name = $"{AccountId}_CloudTrail_us-east-1_latency-{index:D3}.json.gz";
                var staged = Path.Combine(staging, name);
                WriteFile(staged, index);

                // A rename within one file system is atomic, so the host never reads a half-written file.
                var stopwatch = Stopwatch.StartNew();
                File.Move(staged, Path.Combine(target, name));
                var outcome = await WaitForLedgerAsync(dataSource, tenantId, $"{FolderName}/{name}", timeoutPerFile, cancellationToken);
                stopwatch.Stop();
                if (outcome is null)
                {
                    problems.Add($"{name} was not in the ledger after {BenchFormat.Seconds(timeoutPerFile)} s");
                    continue;
                }

                if (outcome.Value.Error is not null || outcome.Value.FindingsRaised < 1)
                {
                    problems.Add($"{name} was recorded with {outcome.Value.FindingsRaised} finding occurrences and error '{outcome.Value.Error}'");
                }

                latencies.Add(stopwatch.Elapsed);
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }

        return new LatencyMeasurement(latencies, problems);
    }

    /// <summary>Deletes the latency files from the inbox, so they never move into the corpus's logs.</summary>
    public static void DeleteFiles(string inbox)
    {
        var folder = Path.Combine(inbox, FolderName);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(long FindingsRaised, string? Error)?> WaitForLedgerAsync(
        NpgsqlDataSource dataSource, string tenantId, string objectKey, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            await using var command = dataSource.CreateCommand("SELECT findings_raised, error FROM ingested_objects WHERE tenant_id = $1 AND object_key = $2");
            command.Parameters.AddWithValue(tenantId);
            command.Parameters.AddWithValue(objectKey);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return null;
    }

    /// <summary>Writes a gzip CloudTrail file with one root-credential call, with an event id of its own.</summary>
    private static void WriteFile(string path, int index)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var json = new Utf8JsonWriter(gzip);
        var time = DateTimeOffset.UtcNow;
        json.WriteStartObject();
        json.WriteStartArray("Records");
        json.WriteStartObject();
        json.WriteString("eventVersion", "1.09");
        json.WriteStartObject("userIdentity");
        json.WriteString("type", "Root");
        json.WriteString("principalId", AccountId);
        json.WriteString("arn", $"arn:aws:iam::{AccountId}:root");
        json.WriteString("accountId", AccountId);
        json.WriteEndObject();
        json.WriteString("eventTime", time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("eventSource", "s3.amazonaws.com");
        json.WriteString("eventName", "ListBuckets");
        json.WriteString("awsRegion", "us-east-1");
        json.WriteString("sourceIPAddress", "198.51.100.7");
        json.WriteString("userAgent", "vigil-bench-latency");
        json.WriteNull("requestParameters");
        json.WriteNull("responseElements");
        json.WriteString("requestID", $"latency-request-{index:D3}");
        json.WriteString("eventID", $"{Guid.NewGuid()}");
        json.WriteBoolean("readOnly", true);
        json.WriteString("eventType", "AwsApiCall");
        json.WriteBoolean("managementEvent", true);
        json.WriteString("recipientAccountId", AccountId);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }
}

/// <summary>The latency of each file that reached the ledger, and what went wrong with the others.</summary>
internal sealed record LatencyMeasurement(IReadOnlyList<TimeSpan> Latencies, IReadOnlyList<string> Problems)
{
    /// <summary>Returns the smallest latency that at least <paramref name="fraction"/> of the files stayed within (nearest rank).</summary>
    public TimeSpan? Percentile(double fraction)
    {
        if (Latencies.Count == 0)
        {
            return null;
        }

        var sorted = Latencies.Order().ToList();
        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
