using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary><c>vigil replay</c> with enrichment files, as an operator runs it.</summary>
public sealed class ReplayEnrichmentTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-replay-enrichment-" + Guid.NewGuid().ToString("N"));

    public ReplayEnrichmentTests() => Directory.CreateDirectory(Path.Combine(folder, "logs"));

    [Fact]
    public async Task Replay_UnusableAsnFileStops()
    {
        var asn = Write("asn.csv", "# exported by hand\nfirst,second\n");

        var run = await CliProcess.RunAsync(null, "replay", Path.Combine(folder, "logs"), "--asn-file", asn);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("asn.csv', line 2", run.Error, StringComparison.Ordinal);
        Assert.Contains("matches no supported layout", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_BadRowsWarnedAndSkipped()
    {
        var asn = Write("asn.csv", "198.51.100.0,198.51.100.255,64500,Example\n198.51.101.0,198.51.101.255,AS?,Broken\n");
        var ranges = Write("ip-ranges.json", """{"prefixes": [{"ip_prefix": "192.0.2.0/24", "region": "us-east-1", "service": "EC2"}, {"ip_prefix": "192.0.2.0/33"}]}""");

        var run = await CliProcess.RunAsync(null, "replay", Path.Combine(folder, "logs"), "--asn-file", asn, "--aws-ip-ranges", ranges, "--learning-days", "7");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("asn.csv, line 2: the AS number 'AS?'", run.Error, StringComparison.Ordinal);
        Assert.Contains("ip-ranges.json, prefixes[1].ip_prefix: '192.0.2.0/33' is not CIDR text", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_InvalidLearningDaysRejected()
    {
        var run = await CliProcess.RunAsync(null, "replay", Path.Combine(folder, "logs"), "--learning-days", "400");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--learning-days: LearningPeriod is 400 days", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
