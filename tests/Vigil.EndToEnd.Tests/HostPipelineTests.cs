using System.Text.Json.Nodes;
using Vigil.Cli.Replay;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.EndToEnd.Tests;

/// <summary>The host reading a watched folder into PostgreSQL, compared with an offline replay of the same logs.</summary>
[Collection(DemoEstateCollection.Name)]
public sealed class HostPipelineTests(DemoEstateFixture estate)
{
    private const string RootUsage = "Policy:IAMUser/RootCredentialUsage";
    private const string LoggingDisabled = "Stealth:IAMUser/CloudTrailLoggingDisabled";
    private const string CustomThreatList = "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom";
    private const string CustomThreatListRecon = "Recon:IAMUser/MaliciousIPCaller.Custom";

    [Fact]
    public async Task Host_DemoLogs_StoresPlantedFindings()
    {
        var findings = await StoredFindingsAsync("default");

        var root = Assert.Single(findings, finding => finding.Type == RootUsage);
        Assert.Equal(3, root.Service.Count);
        Assert.Equal(2.0, root.Severity);
        var trail = Assert.Single(findings, finding => finding.Type == LoggingDisabled);
        Assert.Equal(2, trail.Service.Count);
        Assert.Equal("ci-deployer", trail.Resource.AccessKeyDetails?.UserName);
        Assert.Equal("arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit-trail", trail.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::CloudTrail::Trail"]);

        // Calls from listed addresses split into Recon (list, describe and get calls) and UnauthorizedAccess (the rest).
        var listed = findings.Where(finding => finding.Type is CustomThreatList or CustomThreatListRecon).ToList();
        Assert.Equal(6, CountFor(listed, "build-agent"));
        Assert.Equal(3, CountFor(listed, "ci-deployer"));
        var hostile = Assert.Single(listed, finding => finding.Resource.AccessKeyDetails?.UserName == HostileValues.UserName);
        Assert.Equal(CustomThreatListRecon, hostile.Type);
        Assert.All(listed, finding => Assert.Equal("demo-threat-list", finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatListName));
        Assert.Equal(findings.Count(finding => finding.Resource.ResourceType == "AccessKey"), listed.Count + 2);

        // The simulated network logs plant one listed outbound connection, listed SSH probes and listed domain queries.
        var flow = findings.Where(finding => finding.Type == "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom").ToList();
        Assert.Equal(2, flow.Count);
        Assert.Equal(5, flow.Sum(finding => finding.Service.Count));
        var domain = Assert.Single(findings, finding => finding.Type == "Impact:EC2/MaliciousDomainRequest.Custom");
        Assert.Equal(2, domain.Service.Count);
        Assert.Equal("i-0a1b2c3d4e5f60001", domain.Resource.InstanceDetails?.InstanceId);
    }

    private static long CountFor(IEnumerable<Finding> findings, string userName) =>
        findings.Where(finding => finding.Resource.AccessKeyDetails?.UserName == userName).Sum(finding => finding.Service.Count);

    [Fact]
    public void Host_WatchFolderWithoutAccounts_Warns()
    {
        Assert.Contains(
            "Source Watched folder (Vigil:Ingest:WatchFolder) of tenant default lists no AWS accounts, so records of every account are accepted",
            estate.Host.Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_RedeliveredFile_DropsDuplicates()
    {
        await using var command = estate.DataSource.CreateCommand(
            "SELECT coalesce(sum(duplicates_dropped), 0), count(*) FILTER (WHERE error IS NOT NULL) FROM ingested_objects WHERE tenant_id = 'default'");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.True(reader.GetInt64(0) > 0, "the redelivered file's events were not counted as duplicates");
        Assert.Equal(0, reader.GetInt64(1));
    }

    [Fact]
    public async Task Replay_DemoLogs_MatchesHost()
    {
        var stored = await StoredFindingsAsync("default");
        // Replay names a list after its file, so give the file the name the host's list was imported with.
        var listCopy = Path.Combine(estate.WorkFolder, "demo-threat-list.txt");
        File.Copy(estate.ThreatListPath, listCopy, overwrite: true);
        var replayed = await new ReplayRunner().RunAsync("default", estate.LogFolder, [listCopy], null, CancellationToken.None);

        Assert.Equal(0, replayed.Summary.ObjectsFailed);
        var expected = Comparable(stored);
        var actual = Comparable(replayed.Findings);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            // PostgreSQL's jsonb reorders object keys, so compare the documents, not their text.
            Assert.True(JsonNode.DeepEquals(expected[i], actual[i]), $"host:   {expected[i].ToJsonString()}\nreplay: {actual[i].ToJsonString()}");
        }
    }

    [Fact]
    public async Task IngestCommand_RunningCluster_StoresFindingsForTenant()
    {
        var environment = new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString };
        var result = await CliProcess.RunAsync(environment, "ingest", estate.LogFolder, "--tenant", "second-tenant", "--create-tenant", "--cluster-id", estate.Host.ClusterId);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Created tenant 'second-tenant'.", result.Error, StringComparison.Ordinal);
        var findings = await StoredFindingsAsync("second-tenant");
        Assert.Contains(findings, finding => finding.Type == LoggingDisabled);
        Assert.Contains(findings, finding => finding.Type == RootUsage);
        // The second tenant has no threat list, so no list-based finding is raised for it.
        Assert.DoesNotContain(findings, finding => finding.Type == CustomThreatList);

        // The run is counted on the tenant's command-line source, which the Sources page shows.
        var sources = new PostgresSourceStore(estate.DataSource);
        var source = Assert.Single(await sources.ListAsync("second-tenant", CancellationToken.None));
        Assert.Equal((CommandLineSource.IdFor("second-tenant"), CommandLineSource.Name, SourceKind.CommandLine), (source.Id, source.Name, source.Kind));
        Assert.Equal(Path.GetFullPath(estate.LogFolder), source.Folder);
        var status = Assert.Single(await sources.ListStatusAsync("second-tenant", CancellationToken.None));
        Assert.Contains($"Read {status.RecordsRead} records from {status.ObjectsRead} objects (0 skipped", result.Output, StringComparison.Ordinal);
        Assert.True(status.ObjectsRead > 0);

        // A second run reads nothing new, so the counters stay as they were.
        var again = await CliProcess.RunAsync(environment, "ingest", estate.LogFolder, "--tenant", "second-tenant", "--cluster-id", estate.Host.ClusterId);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"Read 0 records from 0 objects ({status.ObjectsRead} skipped", again.Output, StringComparison.Ordinal);
        Assert.Equal(status.ObjectsRead, Assert.Single(await sources.ListStatusAsync("second-tenant", CancellationToken.None)).ObjectsRead);
    }

    [Fact]
    public async Task IngestCommand_UnknownTenant_FailsWithoutReading()
    {
        var environment = new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString };
        var result = await CliProcess.RunAsync(environment, "ingest", estate.LogFolder, "--tenant", "never-created", "--cluster-id", estate.Host.ClusterId);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("tenant 'never-created' not found", result.Error, StringComparison.Ordinal);
        Assert.Empty(await StoredFindingsAsync("never-created"));
    }

    [Fact]
    public async Task Host_OperationsEndpoints_ReportHealthAndMetrics()
    {
        using var client = new HttpClient { BaseAddress = estate.Host.BaseAddress };

        using var live = await client.GetAsync("health/live");
        using var ready = await client.GetAsync("health/ready");
        var metrics = await client.GetStringAsync("metrics");

        Assert.True(live.IsSuccessStatusCode, $"/health/live returned {live.StatusCode}");
        Assert.True(ready.IsSuccessStatusCode, $"/health/ready returned {ready.StatusCode}");
        Assert.Contains("vigil_ingest_records", metrics, StringComparison.Ordinal);
        Assert.Contains("vigil_findings_occurrences", metrics, StringComparison.Ordinal);
        Assert.Contains("Policy:IAMUser/RootCredentialUsage", metrics, StringComparison.Ordinal);
    }

    private async Task<List<Finding>> StoredFindingsAsync(string tenantId)
    {
        var store = new PostgresFindingStore(estate.DataSource);
        var page = await store.ListAsync(tenantId, new FindingListQuery { Limit = 500, IncludeArchived = true }, CancellationToken.None);
        var findings = new List<Finding>();
        foreach (var summary in page.Items)
        {
            findings.Add((await store.GetAsync(tenantId, summary.Id, CancellationToken.None))!);
        }

        return findings;
    }

    /// <summary>The findings as JSON without the two wall-clock fields, sorted by id, so two runs can be compared.</summary>
    private static List<JsonObject> Comparable(IEnumerable<Finding> findings) =>
        [.. findings.OrderBy(finding => finding.Id, StringComparer.Ordinal).Select(finding =>
        {
            var json = JsonNode.Parse(FindingJson.Serialize(finding))!.AsObject();
            json.Remove("createdAt");
            json.Remove("updatedAt");
            return json;
        })];
}
