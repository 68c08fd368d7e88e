using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary><c>vigil bench profiles</c> from the build output with small sizes. These tests check output only, never speed.</summary>
public sealed class ProfileBenchCommandTests
{
    [Fact]
    public async Task BenchProfiles_PrintsSizesAndRate()
    {
        var run = await CliProcess.RunAsync(null, "bench", "profiles", "--days", "3", "--events-per-day", "200", "--apis", "10");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Simulated: 3 days, 200 events a day, 10 APIs, seed 7", run.Output, StringComparison.Ordinal);
        Assert.Contains("(10 APIs kept)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Principal profile serialised / target 8,192 bytes: 0\.\d\d", run.Output);
        Assert.Matches(@"Events scored per second by one grain: [\d,]+", run.Output);
    }

    [Fact]
    public async Task BenchProfiles_RejectsZeroDays()
    {
        var run = await CliProcess.RunAsync(null, "bench", "profiles", "--days", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--days must be 1 to 366", run.Error, StringComparison.Ordinal);
    }
}
