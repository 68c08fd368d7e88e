using Vigil.Cli.Replay;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Real delivered CloudTrail files from a public attack-simulation data set (37 files, 2,122 records,
/// one successful DeleteTrail). Runs only when VIGIL_SHARED_DATA names the sample data folder.
/// </summary>
[Collection(DemoEstateCollection.Name)]
public sealed class SharedDataTests(DemoEstateFixture estate)
{
    private const string LoggingDisabled = "Stealth:IAMUser/CloudTrailLoggingDisabled";

    private static string InvictusFolder => Path.Combine(SharedDataFactAttribute.Folder, "cloudtrail", "invictus-ir_aws_dataset");

    [SharedDataFact]
    public async Task Replay_RealCloudTrail_ReadsEveryRecord()
    {
        var result = await new ReplayRunner().RunAsync("default", InvictusFolder, [], null, CancellationToken.None);

        Assert.Equal(37, result.Summary.ObjectsRead);
        Assert.Equal(0, result.Summary.ObjectsFailed);
        Assert.Equal(2122, result.Summary.RecordsRead);
        Assert.Equal(0, result.Summary.RecordsRejected);
        var finding = Assert.Single(result.Findings, finding => finding.Type == LoggingDisabled);
        Assert.Equal("DeleteTrail", finding.Service.Action.AwsApiCallAction?.Api);
        Assert.Equal("stratus-red-team-ctlr-trail-zqfsvooxqj", finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::CloudTrail::Trail"]);
    }

    [SharedDataFact]
    public async Task Host_RealCloudTrail_RaisesDeleteTrailFinding()
    {
        var environment = new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString };

        var result = await CliProcess.RunAsync(environment, "ingest", InvictusFolder, "--tenant", "invictus", "--create-tenant", "--cluster-id", estate.Host.ClusterId);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Read 2122 records from 37 objects", result.Output, StringComparison.Ordinal);
        Assert.Contains("0 rejected", result.Output, StringComparison.Ordinal);
        var store = new PostgresFindingStore(estate.DataSource);
        var page = await store.ListAsync("invictus", new FindingListQuery { Limit = 100 }, CancellationToken.None);
        var summary = Assert.Single(page.Items, item => item.Type == LoggingDisabled);
        var finding = await store.GetAsync("invictus", summary.Id, CancellationToken.None);
        Assert.Equal("DeleteTrail", finding?.Service.Action.AwsApiCallAction?.Api);
    }
}
