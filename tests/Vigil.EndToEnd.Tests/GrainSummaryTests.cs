using System.Globalization;
using System.Text.Json.Nodes;
using Vigil.Abstractions;
using Vigil.Cli.Replay;
using Vigil.Contracts.Profiles;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;
using Vigil.Grains.Console;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// The read-only summaries of principal, account and endpoint grains, and the cluster's state,
/// through the readers the console uses, after the real ingestor has fed the grains.
/// </summary>
public sealed class GrainSummaryTests : IAsyncLifetime
{
    private const string Tenant = "default";
    private const string Account = "111122223333";
    private const string AliceKey = Account + "/arn:aws:iam::111122223333:user/alice";

    private static readonly DateTimeOffset Start = new(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-summaries-" + Guid.NewGuid().ToString("N"));
    private ReplaySilo? silo;
    private int eventNumber;

    public async Task InitializeAsync()
    {
        silo = await ReplaySilo.StartAsync(null, IpEnricher.None, ProfileOptions.Default, CancellationToken.None);
        for (var day = 0; day < 4; day++)
        {
            WriteDay(day, "DescribeInstances", "ListBuckets");
        }

        await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Principal_SummaryShowsLearnedValues()
    {
        var view = await new GrainProfileReader(silo!.Grains).GetPrincipalAsync(Tenant, AliceKey, CancellationToken.None);

        Assert.Equal(AliceKey, view.Principal.Key);
        Assert.Equal(8, view.Principal.EventsApplied);
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 9, 1, 0, TimeSpan.Zero), view.Principal.LastEventTime);
        var profile = view.Principal.Profile;
        Assert.True(profile.IsLearning);
        Assert.Equal(8, profile.EventCount);
        Assert.Equal(4, profile.ActiveDays);
        Assert.Equal(new DateOnly(2024, 3, 1), profile.FirstDay);
        Assert.Equal(new DateOnly(2024, 3, 4), profile.LastDay);
        var apis = profile.Dimensions.Single(dimension => dimension.Dimension == "Api");
        Assert.Equal(["ec2:DescribeInstances", "s3:ListBuckets"], apis.Values.Select(value => value.Value).Order(StringComparer.Ordinal));
        Assert.All(apis.Values, value => Assert.Equal(ValueFrequency.Frequent, value.Frequency));
        Assert.Empty(profile.Dimensions.Single(dimension => dimension.Dimension == "ApiNetwork").Values);
        Assert.True(profile.HourWeights[9] > 0);
        Assert.Equal(0, profile.HourWeights[3]);
        Assert.Equal(8, view.Account.EventCount);
    }

    [Fact]
    public async Task UnknownPrincipal_EmptySummary()
    {
        var view = await new GrainProfileReader(silo!.Grains).GetPrincipalAsync(Tenant, Account + "/arn:aws:iam::111122223333:user/nobody", CancellationToken.None);

        Assert.Equal(0, view.Principal.EventsApplied);
        Assert.Equal(0, view.Principal.Profile.EventCount);
        Assert.Null(view.Principal.Profile.FirstDay);
    }

    [Fact]
    public async Task OtherTenant_SeesNothingOfAlice()
    {
        var view = await new GrainProfileReader(silo!.Grains).GetPrincipalAsync("tenant-b", AliceKey, CancellationToken.None);

        Assert.Equal(0, view.Principal.EventsApplied);
        Assert.Equal(0, view.Account.EventCount);
    }

    [Fact]
    public async Task Grain_RejectsSummaryForOtherTenant()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>($"{Tenant}/{AliceKey}");

        await Assert.ThrowsAsync<ArgumentException>(() => grain.GetSummaryAsync("tenant-b"));
    }

    [Theory]
    [InlineData("tenant/b", AliceKey)]
    [InlineData(Tenant, "no-account")]
    [InlineData(Tenant, Account + "/eni:eni-1")]
    public async Task Reader_RejectsBadKeys(string tenantId, string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new GrainProfileReader(silo!.Grains).GetPrincipalAsync(tenantId, key, CancellationToken.None));
    }

    [Fact]
    public async Task Endpoint_SummaryOfNewGrainIsEmpty()
    {
        var summary = await new GrainProfileReader(silo!.Grains).GetEndpointAsync(Tenant, Account + "/eni:eni-0abc", CancellationToken.None);

        Assert.Equal(Account + "/eni:eni-0abc", summary.Key);
        Assert.Equal(0, summary.FlowsApplied);
        Assert.Null(summary.LastEventTime);
        Assert.True(summary.Profile.IsLearning);
        Assert.Equal(0, summary.Profile.RecordCount);
        Assert.All(summary.Profile.Tables, table => Assert.Empty(table.Values));
    }

    [Fact]
    public async Task Cluster_OneActiveSiloWithPrincipalGrains()
    {
        var status = await new ClusterStatusReader(silo!.Grains).GetStatusAsync(CancellationToken.None);

        var only = Assert.Single(status.Silos);
        Assert.Equal("Active", only.Status);
        Assert.True(only.ActivationCount > 0);
        Assert.Contains(status.GrainTypes, count => count.GrainType.Contains("PrincipalGrain", StringComparison.Ordinal) && count.Activations >= 1);
    }

    private void WriteDay(int day, params string[] apis)
    {
        var date = Start.AddDays(day);
        var dayFolder = Path.Combine(folder, "AWSLogs", Account, "CloudTrail", "us-east-1", date.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dayFolder);
        var records = new JsonArray();
        var minute = 0;
        foreach (var api in apis)
        {
            records.Add(new JsonObject
            {
                ["eventVersion"] = "1.09",
                ["userIdentity"] = new JsonObject
                {
                    ["type"] = "IAMUser",
                    ["principalId"] = "AIDAEXAMPLEALICE",
                    ["arn"] = $"arn:aws:iam::{Account}:user/alice",
                    ["accountId"] = Account,
                    ["accessKeyId"] = "AKIAEXAMPLEALICE",
                    ["userName"] = "alice",
                },
                ["eventTime"] = date.AddMinutes(minute++).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["eventSource"] = api == "ListBuckets" ? "s3.amazonaws.com" : "ec2.amazonaws.com",
                ["eventName"] = api,
                ["awsRegion"] = "us-east-1",
                ["sourceIPAddress"] = "198.51.100.10",
                ["userAgent"] = "aws-cli/2.15.0 Python/3.11.6",
                ["eventID"] = $"00000000-0000-4000-8000-{++eventNumber:D12}",
                ["eventType"] = "AwsApiCall",
                ["managementEvent"] = true,
                ["recipientAccountId"] = Account,
            });
        }

        File.WriteAllText(Path.Combine(dayFolder, $"{Account}_CloudTrail_us-east-1_{date:yyyyMMdd}T0900Z_{day:D3}.json"), new JsonObject { ["Records"] = records }.ToJsonString());
    }
}
