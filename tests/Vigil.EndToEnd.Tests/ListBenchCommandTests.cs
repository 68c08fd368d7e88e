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
