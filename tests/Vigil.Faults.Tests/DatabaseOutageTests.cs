using Vigil.Faults.Tests.Infrastructure;

namespace Vigil.Faults.Tests;

/// <summary>
/// Three silos ingest the corpus on a PostgreSQL cluster of their own, which is stopped in the
/// middle of the run and started again once every silo has paused.
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
        await using var run = new ClusterRun(postgres.ConnectionString, baseline.Corpus.LogFolder);
        await run.StartSilosAsync(3);

        var total = baseline.Corpus.ObjectCount;
        await run.WaitForDoneAsync(total / 5, TimeSpan.FromMinutes(3));
        var doneAtStop = await run.DoneObjectsAsync();
        await postgres.StopAsync();
        Assert.True(doneAtStop < total, $"all {total} objects were done before the database stopped, so it tested nothing");

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
