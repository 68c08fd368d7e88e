using Vigil.Faults.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.Faults.Tests;

/// <summary>Three silos ingest the corpus, and one of them is killed with SIGKILL while it reads.</summary>
[Collection(FaultsCollection.Name)]
public sealed class SiloKillTests(BaselineFixture baseline) : IAsyncLifetime
{
    private readonly PostgresFixture database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task SiloKilledMidRun_SameOutcome()
    {
        await baseline.ImportThreatListAsync(database.ConnectionString);
        await using var run = new ClusterRun(database.ConnectionString, baseline.Corpus.LogFolder);
        await run.StartSilosAsync(3);

        // Kill a silo that holds a lease, once a fifth of the objects are done, so it dies mid-object.
        var total = baseline.Corpus.ObjectCount;
        await run.WaitForDoneAsync(total / 5, TimeSpan.FromMinutes(3));
        SiloProcess? victim = null;
        await Poll.UntilAsync(
            async () =>
            {
                var owners = await run.LeaseOwnersAsync();
                victim = run.Silos.FirstOrDefault(silo => owners.Any(silo.OwnsLease));
                return victim is not null;
            },
            TimeSpan.FromMinutes(1),
            "a silo holds an object lease",
            () => run.Output);
        var doneAtKill = await run.DoneObjectsAsync();
        await victim!.KillAsync();
        Assert.True(doneAtKill < total, $"all {total} objects were done before the kill, so it tested nothing");

        await run.WaitForDoneAsync(total, TimeSpan.FromMinutes(4));
        var outcome = await run.ReadOutcomeAsync();

        baseline.Outcome.AssertSameAs(outcome, $"{victim.Name} was killed after {doneAtKill} of {total} objects.\n{run.Output}");
        var survivors = run.Silos.Where(silo => silo != victim).ToList();
        Assert.All(survivors, silo => Assert.False(silo.HasExited, $"{silo.Name} exited:\n{silo.Output}"));
        Assert.Contains(survivors, silo => silo.Output.Contains("Ingest resumed", StringComparison.Ordinal) || silo.Output.Contains("Read ", StringComparison.Ordinal));
    }
}
