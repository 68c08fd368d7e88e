namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>
/// The logs every fault test ingests: <c>vigil simulate</c> with a fixed seed, two days of
/// CloudTrail, VPC flow and Route 53 Resolver logs with planted incidents, and the demo threat list.
/// Written once per test run into a temporary folder and deleted with the collection fixture.
/// </summary>
public sealed class FaultCorpus : IAsyncLifetime
{
    public const string Seed = "23";

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "vigil-faults-" + Guid.NewGuid().ToString("N")[..12]);

    public string LogFolder => Path.Combine(Folder, "logs");

    public string ThreatListPath => Path.Combine(Folder, "threat-list.txt");

    /// <summary>Files below <see cref="LogFolder"/>; the ledger gets one row per file.</summary>
    public int ObjectCount { get; private set; }

    public async Task InitializeAsync()
    {
        await CliProcess.RunAsync("simulate", "--out", Folder, "--days", "2", "--seed", Seed, "--events-per-file", "40");
        ObjectCount = Directory.EnumerateFiles(LogFolder, "*", SearchOption.AllDirectories).Count();
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
