using Vigil.Faults.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.Faults.Tests;

/// <summary>Three silos ingest the corpus, and one of them is killed with SIGKILL while it reads an object.</summary>
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
        // The corpus arrives in two parts, and the kill follows the second at once, so a silo is
        // always in the middle of an object when it dies, however fast the silos are.
        var folder = Path.Combine(baseline.Corpus.Folder, "kill-" + Guid.NewGuid().ToString("N")[..8]);
        var total = baseline.Corpus.ObjectCount;
        var firstPart = baseline.Corpus.CopyPart(folder, total / 3, fromCount: false);
        await using var run = new ClusterRun(database.ConnectionString, folder);
        await run.StartSilosAsync(3);

        await run.WaitForDoneAsync(firstPart / 2, TimeSpan.FromMinutes(3));
        baseline.Corpus.CopyPart(folder, firstPart, fromCount: true);
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
