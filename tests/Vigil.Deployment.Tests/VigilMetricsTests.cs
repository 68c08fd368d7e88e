using Vigil.Deployment.Tests.Support;

namespace Vigil.Deployment.Tests;

/// <summary>
/// Vigil's grain call, batch, finding write, finding change and list lookup instruments in the host's /metrics output.
/// Values are lower bounds: the host collects every meter named <c>Vigil</c> in the process, and the
/// fixtures of other test classes record samples in the same process.
/// </summary>
public sealed class VigilMetricsTests(ExportedMetrics exported) : IClassFixture<ExportedMetrics>
{
    [Fact]
    public void Scrape_GrainCalls_CountedByKind()
    {
        var line = Sample("vigil_ingest_grain_calls_total");

        Assert.Contains("kind=\"CloudTrail\"", line, StringComparison.Ordinal);
        Assert.True(Value(line) >= 1, line);
    }

    [Fact]
    public void Scrape_BatchRecords_HistogramByKind()
    {
        Assert.Contains("vigil_ingest_batch_records_bucket", exported.SampleNames);
        Assert.Contains("vigil_ingest_batch_records_count", exported.SampleNames);
        var sum = Sample("vigil_ingest_batch_records_sum");

        Assert.Contains("kind=\"CloudTrail\"", sum, StringComparison.Ordinal);
        Assert.True(Value(sum) >= 250, sum);
    }

    [Fact]
    public void Scrape_FindingWrites_CountedByType()
    {
        var line = Sample("vigil_findings_writes_total");

        Assert.Contains("type=\"UnauthorizedAccess:IAMUser/MaliciousIPCaller\"", line, StringComparison.Ordinal);
        Assert.True(Value(line) >= 1, line);
    }

    [Theory]
    [InlineData("vigil_findings_raised_total", "type=\"UnauthorizedAccess:IAMUser/MaliciousIPCaller\"")]
    [InlineData("vigil_findings_updated_total", "type=\"UnauthorizedAccess:IAMUser/MaliciousIPCaller\"")]
    [InlineData("vigil_findings_suppressed_total", "reason=\"type_disabled\"")]
    public void Scrape_FindingChanges_CountedByType(string name, string label)
    {
        var line = Samples(name).FirstOrDefault(sample => sample.Contains(label, StringComparison.Ordinal));

        Assert.True(line is not null, $"No {name} sample with {label} in the scrape.");
        Assert.True(Value(line) >= 1, line);
    }

    [Theory]
    [InlineData("address", "match")]
    [InlineData("address", "trusted")]
    [InlineData("address", "none")]
    [InlineData("domain", "match")]
    [InlineData("domain", "none")]
    public void Scrape_ListLookups_CountedByKindAndResult(string kind, string result)
    {
        var lines = Samples("vigil_intel_lookups_total")
            .Where(line => line.Contains($"kind=\"{kind}\"", StringComparison.Ordinal) && line.Contains($"result=\"{result}\"", StringComparison.Ordinal))
            .ToList();

        var line = Assert.Single(lines);
        Assert.True(Value(line) >= 1, line);
    }

    private IEnumerable<string> Samples(string name) =>
        exported.Scrape.Split('\n').Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal));

    private string Sample(string name)
    {
        var line = Samples(name).FirstOrDefault();
        Assert.True(line is not null, $"No sample named {name} in the scrape.");
        return line;
    }

    // A sample line is "name{labels} value" with an optional timestamp after the value.
    private static double Value(string line)
    {
        var afterLabels = line[(line.LastIndexOf('}') + 1)..].Trim();
        return double.Parse(afterLabels.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
