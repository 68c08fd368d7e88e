using Vigil.Testing;

namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>
/// The corpus, and the outcome of ingesting it with one silo and no fault, which every fault run
/// must reproduce. Shared by the tests of the <see cref="FaultsCollection"/>.
/// </summary>
public sealed class BaselineFixture : IAsyncLifetime
{
    private readonly PostgresFixture database = new();

    public FaultCorpus Corpus { get; } = new();

    public RunOutcome Outcome { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Corpus.InitializeAsync();
        await database.InitializeAsync();
        await ImportThreatListAsync(database.ConnectionString);

        await using var run = new ClusterRun(database.ConnectionString, Corpus.LogFolder);
        await run.StartSilosAsync(1);
        await run.WaitForDoneAsync(Corpus.ObjectCount, TimeSpan.FromMinutes(4));
        Outcome = await run.ReadOutcomeAsync();
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        await Corpus.DisposeAsync();
    }

    /// <summary>Imports the corpus's threat list for the tenant; a silo loads it when it starts.</summary>
    public Task ImportThreatListAsync(string connectionString) =>
        CliProcess.RunAsync("lists", "import", "--tenant", ClusterRun.TenantId, "--name", "demo", "--connection", connectionString, Corpus.ThreatListPath);
}

[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<BaselineFixture>
{
    public const string Name = "faults";
}
