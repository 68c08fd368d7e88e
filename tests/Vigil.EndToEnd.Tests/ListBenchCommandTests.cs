using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary><c>vigil bench lists</c> on a small list, so the test checks the output and not the speed.</summary>
public sealed class ListBenchCommandTests
{
    [Fact]
    public async Task BenchLists_SmallList_AllocatesNothing()
    {
        var result = await CliProcess.RunAsync(null, "bench", "lists", "--entries", "10000", "--lookups", "20000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("List: ", result.Output, StringComparison.Ordinal);
        foreach (var kind in new[] { "ipv4", "ipv6", "domain" })
        {
            var line = result.Output.Split('\n').Single(line => line.StartsWith(kind + " ", StringComparison.Ordinal));
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("20,000", fields[1]);
            Assert.Equal("10,000", fields[2]);
            Assert.Equal("0", fields[^1]);
        }
    }
}

/// <summary><c>vigil replay --platform-list</c> reads platform lists with their purposes.</summary>
public sealed class ReplayPlatformListTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-replay-platform-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Replay_ScannerList_RaisesPortProbe()
    {
        var logs = Path.Combine(folder, "logs");
        Directory.CreateDirectory(logs);
        await File.WriteAllLinesAsync(Path.Combine(logs, "111122223333_vpcflowlogs_eu-west-1_fl-0a1b2c3d_20240305T1015Z_a1b2c3d4.log"),
        [
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
            "2 111122223333 eni-0a1b2c3d4e5f60001 198.51.100.23 10.0.1.15 41000 9200 6 1 44 1709633700 1709633760 ACCEPT OK",
        ]);
        var list = Path.Combine(folder, "scanners.txt");
        await File.WriteAllTextAsync(list, "198.51.100.23\n");

        var result = await CliProcess.RunAsync(null, "replay", logs, "--platform-list", "scanner=" + list);
        var invalid = await CliProcess.RunAsync(null, "replay", logs, "--platform-list", "weather=" + list);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"Recon:EC2/PortProbeUnprotectedPort\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"threatListName\":\"scanners\"", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("invalid --platform-list 'weather=", invalid.Error, StringComparison.Ordinal);
    }
}
