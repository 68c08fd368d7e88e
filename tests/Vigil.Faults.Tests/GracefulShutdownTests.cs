using Npgsql;
using Vigil.Faults.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.Faults.Tests;

/// <summary>
/// A silo stopped with SIGTERM in the middle of a run drains: it finishes or releases its object,
/// writes its grains' state, and leaves the cluster, while the other silo finishes the run.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class GracefulShutdownTests(BaselineFixture baseline) : IAsyncLifetime
{
    /// <summary>Longer than any run here, so grain state reaches the database only when grains deactivate.</summary>
    private static readonly Dictionary<string, string> NoTimedStateWrites = new() { ["Vigil__Grains__StateWriteSeconds"] = "3600" };

    private readonly PostgresFixture database = new();
    private readonly string copies = Path.Combine(Path.GetTempPath(), "vigil-faults-copies-" + Guid.NewGuid().ToString("N")[..12]);

    public Task InitializeAsync() => database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        if (Directory.Exists(copies))
        {
            Directory.Delete(copies, recursive: true);
        }
    }

    [Fact]
    public async Task SigtermMidRun_DrainsAndLeaves()
    {
        await baseline.ImportThreatListAsync(database.ConnectionString);
        var total = baseline.Corpus.ObjectCount;
        await using var run = new ClusterRun(database.ConnectionString, baseline.Corpus.LogFolder);
        await run.StartSilosAsync(2, NoTimedStateWrites);
        var (stopped, other) = (run.Silos[0], run.Silos[1]);

        await run.WaitForDoneAsync(total / 5, TimeSpan.FromMinutes(3));
        var exitCode = await stopped.TerminateAsync(TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{stopped.Output}");
        Assert.Contains("Draining ingest: no new object is taken", stopped.Output, StringComparison.Ordinal);
        Assert.Contains("Ingest drained", stopped.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(await run.LeaseOwnersAsync(), stopped.OwnsLease);
        Assert.Equal(6, await MembershipStatusAsync(run.ClusterId, stopped.SiloPort));

        // The other silo finishes the run with the same outcome as the run without a stop.
        await run.WaitForDoneAsync(total, TimeSpan.FromMinutes(4));
        baseline.Outcome.AssertSameAs(await run.ReadOutcomeAsync(), run.Output);
        Assert.Equal(0, await other.TerminateAsync(TimeSpan.FromMinutes(1)));
        Assert.True(await StateRowsAsync() > 0, "no grain state was written at shutdown");
    }

    [Fact]
    public async Task StateWrittenAtStop_RedeliveryDropped()
    {
        // Ingest the corpus and stop gracefully; with timed writes off, only deactivation writes state.
        await baseline.ImportThreatListAsync(database.ConnectionString);
        var total = baseline.Corpus.ObjectCount;
        await using (var first = new ClusterRun(database.ConnectionString, baseline.Corpus.LogFolder))
        {
            await first.StartSilosAsync(1, NoTimedStateWrites);
            await first.WaitForDoneAsync(total, TimeSpan.FromMinutes(4));
            Assert.Equal(0, await first.Silos[0].TerminateAsync(TimeSpan.FromMinutes(1)));
        }

        // Deliver the CloudTrail objects of the corpus's last day again under new keys. The principal
        // grains load the event ids they wrote at the stop. They remember the ids of events within
        // 24 hours of each principal's newest event, which covers that day, so every event is
        // dropped and no finding changes.
        var allCloudTrail = Directory.EnumerateFiles(baseline.Corpus.LogFolder, "*", SearchOption.AllDirectories)
            .Where(path => path.Contains($"{Path.DirectorySeparatorChar}CloudTrail{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        var lastDay = allCloudTrail.Select(DayFolder).Max(StringComparer.Ordinal);
        var cloudTrail = allCloudTrail.Where(path => DayFolder(path) == lastDay).ToList();
        foreach (var path in cloudTrail)
        {
            var target = Path.Combine(copies, "redelivered", Path.GetRelativePath(baseline.Corpus.LogFolder, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }

        await using var second = new ClusterRun(database.ConnectionString, copies);
        await second.StartSilosAsync(1, NoTimedStateWrites);
        await second.WaitForDoneAsync(total + cloudTrail.Count, TimeSpan.FromMinutes(4));

        var outcome = await second.ReadOutcomeAsync();
        Assert.Equal(baseline.Outcome.Findings, outcome.Findings);
        await using var command = database.DataSource.CreateCommand(
            "SELECT count(*), sum(records_read), sum(duplicates_dropped) FROM ingested_objects WHERE object_key LIKE 'redelivered/%'");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(cloudTrail.Count, reader.GetInt64(0));
        Assert.True(reader.GetInt64(1) > 0, "the copies held no records");
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Returns the <c>YYYY/MM/DD</c> end of the folder of a CloudTrail object path.</summary>
    private static string DayFolder(string path) => Path.GetDirectoryName(path)![^10..];

    private async Task<int> MembershipStatusAsync(string clusterId, int siloPort)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT status FROM orleans_membership WHERE deployment_id = $1 AND port = $2 ORDER BY generation DESC LIMIT 1");
        command.Parameters.AddWithValue(clusterId);
        command.Parameters.AddWithValue(siloPort);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> StateRowsAsync()
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM orleans_storage WHERE payload_binary IS NOT NULL");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
