using System.Text.Json;
using Vigil.Deployment.Tests.Support;

namespace Vigil.Deployment.Tests;

/// <summary>deploy/grafana/vigil-dashboard.json against the metrics the host exports at /metrics.</summary>
public sealed class GrafanaDashboardTests(ExportedMetrics exported) : IClassFixture<ExportedMetrics>
{
    [Fact]
    public void Dashboard_Json_Parses()
    {
        using var dashboard = Load();

        Assert.Equal("vigil-overview", dashboard.RootElement.GetProperty("uid").GetString());
        Assert.NotEqual(0, dashboard.RootElement.GetProperty("panels").GetArrayLength());
    }

    [Fact]
    public void Dashboard_EveryPanel_HasQuery()
    {
        using var dashboard = Load();

        foreach (var panel in Panels(dashboard).Where(panel => panel.GetProperty("type").GetString() != "row"))
        {
            var title = panel.GetProperty("title").GetString();
            Assert.True(panel.TryGetProperty("targets", out var targets), $"Panel '{title}' has no targets.");
            Assert.True(targets.GetArrayLength() > 0, $"Panel '{title}' has no query.");
        }
    }

    [Fact]
    public void Dashboard_PanelIds_AreUnique()
    {
        using var dashboard = Load();
        var ids = Panels(dashboard).Select(panel => panel.GetProperty("id").GetInt32()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Queries_MetricNames_AreExported()
    {
        using var dashboard = Load();

        foreach (var expression in Expressions(dashboard))
        {
            var names = PromQl.MetricNames(expression);
            Assert.True(names.Count > 0, $"No metric name found in '{expression}'.");
            foreach (var name in names)
            {
                Assert.True(exported.SampleNames.Contains(name), $"'{name}' in '{expression}' is not in the host's /metrics output.");
            }
        }
    }

    [Fact]
    public void Variables_MetricNames_AreExported()
    {
        using var dashboard = Load();
        var queries = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(variable => variable.GetProperty("type").GetString() == "query")
            .Select(variable => variable.GetProperty("query").GetProperty("query").GetString()!)
            .ToList();

        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var names = PromQl.VariableQueryMetricNames(query);
            Assert.True(names.Count > 0, $"No metric name found in variable query '{query}'.");
            foreach (var name in names)
            {
                Assert.True(exported.SampleNames.Contains(name), $"'{name}' in variable query '{query}' is not in the host's /metrics output.");
            }
        }
    }

    [Fact]
    public void Variables_ServiceName_IsHostService()
    {
        // The silo variable selects instances by the OpenTelemetry service name the host sets.
        Assert.Contains("target_info{", exported.Scrape, StringComparison.Ordinal);
        Assert.Contains("service_name=\"vigil-host\"", exported.Scrape, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vigil_ingest_records_total")]
    [InlineData("vigil_ingest_objects_total")]
    [InlineData("vigil_findings_occurrences_total")]
    [InlineData("vigil_ingest_lag_seconds_bucket")]
    [InlineData("dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet_process_memory_working_set_bytes")]
    public void Queries_RequiredMetric_IsCharted(string metric)
    {
        using var dashboard = Load();

        Assert.Contains(metric, Expressions(dashboard).SelectMany(PromQl.MetricNames));
    }

    [Theory]
    [InlineData("vigil_ingest_records_total", "outcome")]
    [InlineData("vigil_ingest_objects_total", "outcome")]
    [InlineData("vigil_findings_occurrences_total", "type")]
    public void Queries_Metric_IsSplitByLabel(string metric, string label)
    {
        using var dashboard = Load();
        var expressions = Expressions(dashboard).Where(expression => PromQl.MetricNames(expression).Contains(metric)).ToList();

        Assert.Contains(expressions, expression => expression.Contains($"by ({label}", StringComparison.Ordinal) || expression.Contains($", {label})", StringComparison.Ordinal));
        Assert.Contains($"{label}=\"", exported.Scrape, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("0.95")]
    [InlineData("0.99")]
    public void Queries_LagPercentile_IsCharted(string quantile)
    {
        using var dashboard = Load();

        Assert.Contains(Expressions(dashboard), expression =>
            expression.StartsWith($"histogram_quantile({quantile},", StringComparison.Ordinal)
            && expression.Contains("vigil_ingest_lag_seconds_bucket", StringComparison.Ordinal));
    }

    private static JsonDocument Load() => JsonDocument.Parse(File.ReadAllText(DeployFiles.GrafanaDashboard));

    private static IEnumerable<JsonElement> Panels(JsonDocument dashboard) =>
        dashboard.RootElement.GetProperty("panels").EnumerateArray();

    private static List<string> Expressions(JsonDocument dashboard) =>
        [.. Panels(dashboard)
            .Where(panel => panel.TryGetProperty("targets", out _))
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)];
}
