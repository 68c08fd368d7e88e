using Vigil.Faults.Tests.Infrastructure;

namespace Vigil.Faults.Tests;

/// <summary>
/// Three silos ingest the corpus on a PostgreSQL cluster of their own, which is stopped in the
/// middle of the run and started again once every silo has paused. The rest of the corpus is
/// delivered while the database is down.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class DatabaseOutageTests(BaselineFixture baseline)
{
    [Fact]
    public async Task DatabaseStoppedMidRun_PausesResumes_SameOutcome()
    {
        await using var postgres = await PrivatePostgres.CreateAsync();
        await CliProcess.RunAsync("db", "migrate", "--connection", postgres.ConnectionString);
        await baseline.ImportThreatListAsync(postgres.ConnectionString);
        // The corpus arrives in two parts: the second is delivered while the database is down, so
        // the outage always lands with work left, however fast the silos are.
        var folder = Path.Combine(baseline.Corpus.Folder, "outage-" + Guid.NewGuid().ToString("N")[..8]);
        var total = baseline.Corpus.ObjectCount;
        var firstPart = baseline.Corpus.CopyPart(folder, total / 3, fromCount: false);
        await using var run = new ClusterRun(postgres.ConnectionString, folder);
        await run.StartSilosAsync(3);

        await run.WaitForDoneAsync(firstPart / 2, TimeSpan.FromMinutes(3));
        var doneAtStop = await run.DoneObjectsAsync();
        await postgres.StopAsync();
        baseline.Corpus.CopyPart(folder, firstPart, fromCount: true);

        // Keep the database down until every silo has logged that its ingest paused.
        await Poll.UntilAsync(
            () => Task.FromResult(run.Silos.All(silo => silo.Output.Contains("Ingest paused", StringComparison.Ordinal))),
            TimeSpan.FromMinutes(1),
            "every silo logs that ingest paused",
            () => run.Output);
        await postgres.StartAsync();

        await run.WaitForDoneAsync(total, TimeSpan.FromMinutes(4));
        var outcome = await run.ReadOutcomeAsync();

        baseline.Outcome.AssertSameAs(outcome, $"The database stopped after {doneAtStop} of {total} objects.\n{run.Output}");
        foreach (var silo in run.Silos)
        {
            Assert.False(silo.HasExited, $"{silo.Name} exited:\n{silo.Output}");
            Assert.Contains("Ingest paused: scanning", silo.Output, StringComparison.Ordinal);
        }

        // A silo whose grain call failed on another silo may log that call's error as the cause instead.
        Assert.Contains(run.Silos, silo => silo.Output.Contains("because the database is unavailable", StringComparison.Ordinal));

        Assert.Contains(run.Silos, silo => silo.Output.Contains("Ingest resumed after a pause", StringComparison.Ordinal));
    }
}
