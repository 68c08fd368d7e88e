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

    /// <summary>
    /// Copies the corpus files whose position in key order is below <paramref name="count"/>, or
    /// from it on when <paramref name="fromCount"/> is true, into <paramref name="target"/> with the
    /// same relative paths. The copies get the same ledger keys as the originals.
    /// </summary>
    public int CopyPart(string target, int count, bool fromCount)
    {
        var files = Directory.EnumerateFiles(LogFolder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();
        var part = fromCount ? files.Skip(count) : files.Take(count);
        var copied = 0;
        foreach (var file in part)
        {
            var destination = Path.Combine(target, Path.GetRelativePath(LogFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);

            // Written beside the watched folder and moved in, so a silo never reads half a file.
            var temporary = Path.Combine(target + ".staging", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(target + ".staging");
            File.Copy(file, temporary, overwrite: true);
            File.Move(temporary, destination, overwrite: true);
            copied++;
        }

        return copied;
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
