using Vigil.Deployment.Tests.Support;

namespace Vigil.Deployment.Tests;

/// <summary>The PostgreSQL client instruments that the host exports at /metrics.</summary>
public sealed class DatabaseMetricsTests(ExportedMetrics exported) : IClassFixture<ExportedMetrics>
{
    [Fact]
    public void Scrape_CommandDuration_Exported()
    {
        Assert.Contains("db_client_operation_duration_seconds_bucket", exported.SampleNames);
        Assert.Contains("db_client_operation_duration_seconds_count", exported.SampleNames);
    }

    [Fact]
    public void Scrape_CommandDuration_NamesDatabase()
    {
        var line = exported.Scrape.Split('\n').First(sample => sample.StartsWith("db_client_operation_duration_seconds_count", StringComparison.Ordinal));

        Assert.Contains("db_system_name=\"postgresql\"", line, StringComparison.Ordinal);
    }
}
