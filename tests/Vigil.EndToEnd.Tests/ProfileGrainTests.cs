using System.Globalization;
using System.Text.Json.Nodes;
using Vigil.Abstractions;
using Vigil.Cli.Replay;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Behaviour profiles through the real pipeline: CloudTrail files of several weeks read by the
/// ingestor, principal grains learning and scoring, the account profile grain answering, and analyst
/// feedback through the principal grain.
/// </summary>
public sealed class ProfileGrainTests : IAsyncLifetime
{
    private const string Tenant = "default";
    private const string Account = "111122223333";
    private const string Office = "198.51.100.10";
    private const string Elsewhere = "203.0.113.66";
    private const string AliceArn = "arn:aws:iam::111122223333:user/alice";

    private static readonly DateTimeOffset Start = new(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-profiles-" + Guid.NewGuid().ToString("N"));
    private IpEnricher? enricher;
    private ReplaySilo? silo;
    private int eventNumber;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        var asnFile = Path.Combine(folder, "asn.csv");
        File.WriteAllText(asnFile, "198.51.100.0,198.51.100.255,64500,Example Office ISP\n203.0.113.0,203.0.113.255,64666,Example Far Hosting\n");
        enricher = IpEnricher.Load(new EnrichmentSettings { AsnFile = asnFile }, []);
        silo = await ReplaySilo.StartAsync(null, enricher, ProfileOptions.Default, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        enricher?.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Grains_LearnThenRaiseAnomaly()
    {
        var logs = Path.Combine(folder, "logs");
        for (var day = 0; day < 20; day++)
        {
            WriteDay(logs, day, ("alice", "ec2.amazonaws.com", "DescribeInstances", Office, "aws-cli/2.15.0 Python/3.11.6"), ("alice", "s3.amazonaws.com", "ListBuckets", Office, "aws-cli/2.15.0 Python/3.11.6"));
        }

        var learning = await silo!.Ingestor.IngestFolderAsync(Tenant, logs, null, CancellationToken.None);

        Assert.Equal(40, learning.RecordsRead);
        Assert.Empty(silo.Findings.Snapshot(Tenant));

        WriteDay(logs, 21, ("alice", "iam.amazonaws.com", "CreateAccessKey", Elsewhere, "Boto3/1.34.0 md/Botocore#1.34.0"));
        await silo.Ingestor.IngestFolderAsync(Tenant, logs, null, CancellationToken.None);

        var finding = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal("Persistence:IAMUser/AnomalousBehavior", finding.Type);
        Assert.Equal(Account, finding.AccountId);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal("64666", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.Organization?.Asn);
        var anomaly = finding.Service.Detection?.Anomaly;
        Assert.NotNull(anomaly);
        Assert.Equal(["AS64666"], anomaly.Unusual.Behavior["PRINCIPAL"]["ASN"].Observations.Text);
        Assert.Equal(["iam:CreateAccessKey"], anomaly.Unusual.Behavior["PRINCIPAL"]["API"].Observations.Text);
        Assert.Equal(["ec2:DescribeInstances", "s3:ListBuckets"], Assert.Single(anomaly.Profiles["PRINCIPAL"]["API"]).Observations.Text);
        Assert.Equal(["ec2:DescribeInstances", "s3:ListBuckets"], Assert.Single(anomaly.Profiles["ACCOUNT"]["API"]).Observations.Text);
        Assert.Equal("UNSEEN", anomaly.Unusual.Behavior["ACCOUNT"]["ASN"].ProfileSubtype);
    }

    [Fact]
    public async Task Feedback_NotUsefulTeachesPrincipal()
    {
        var logs = Path.Combine(folder, "logs");
        for (var day = 0; day < 20; day++)
        {
            WriteDay(logs, day, ("alice", "ec2.amazonaws.com", "DescribeInstances", Office, "aws-cli/2.15.0"));
        }

        WriteDay(logs, 21, ("alice", "iam.amazonaws.com", "CreateAccessKey", Elsewhere, "Boto3/1.34.0"));
        await silo!.Ingestor.IngestFolderAsync(Tenant, logs, null, CancellationToken.None);
        var finding = Assert.Single(silo.Findings.Snapshot(Tenant));
        var alice = silo.Grains.GetGrain<IPrincipalGrain>($"{Tenant}/{Account}/{AliceArn}");

        var otherTenant = await Assert.ThrowsAsync<ArgumentException>(() => alice.MarkAnomalyNotUsefulAsync("tenant-b", finding.Id));
        var unknown = await alice.MarkAnomalyNotUsefulAsync(Tenant, "00000000000000000000000000000000");
        var taught = await alice.MarkAnomalyNotUsefulAsync(Tenant, finding.Id);

        Assert.Contains("tenant-b", otherTenant.Message, StringComparison.Ordinal);
        Assert.False(unknown);
        Assert.True(taught);

        WriteDay(logs, 22, ("alice", "iam.amazonaws.com", "CreateAccessKey", Elsewhere, "Boto3/1.34.0"));
        var after = await silo.Ingestor.IngestFolderAsync(Tenant, logs, null, CancellationToken.None);

        Assert.Equal(0, after.FindingsRaised);
        Assert.Equal(1, Assert.Single(silo.Findings.Snapshot(Tenant)).Service.Count);
    }

    [Fact]
    public async Task Account_UsualForOthersStaysQuiet()
    {
        var logs = Path.Combine(folder, "logs");
        for (var day = 0; day < 20; day++)
        {
            WriteDay(
                logs,
                day,
                ("alice", "ec2.amazonaws.com", "DescribeInstances", Office, "aws-cli/2.15.0"),
                ("bob", "iam.amazonaws.com", "CreateAccessKey", Elsewhere, "Boto3/1.34.0"),
                ("carol", "iam.amazonaws.com", "CreateAccessKey", Elsewhere, "Boto3/1.34.0"));
        }

        await silo!.Ingestor.IngestFolderAsync(Tenant, logs, null, CancellationToken.None);
        WriteDay(logs, 21, ("alice", "iam.amazonaws.com", "CreateAccessKey", Elsewhere, "Boto3/1.34.0"));
        var after = await silo.Ingestor.IngestFolderAsync(Tenant, logs, null, CancellationToken.None);

        Assert.Equal(1, after.RecordsRead);
        Assert.Empty(silo.Findings.Snapshot(Tenant));
    }

    private void WriteDay(string logs, int day, params (string User, string Source, string Api, string Ip, string UserAgent)[] calls)
    {
        var date = Start.AddDays(day);
        var dayFolder = Path.Combine(logs, "AWSLogs", Account, "CloudTrail", "us-east-1", date.ToString("yyyy", CultureInfo.InvariantCulture), date.ToString("MM", CultureInfo.InvariantCulture), date.ToString("dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dayFolder);
        var records = new JsonArray();
        var minute = 0;
        foreach (var (user, source, api, ip, userAgent) in calls)
        {
            records.Add(new JsonObject
            {
                ["eventVersion"] = "1.09",
                ["userIdentity"] = new JsonObject
                {
                    ["type"] = "IAMUser",
                    ["principalId"] = "AIDAEXAMPLE" + user.ToUpperInvariant(),
                    ["arn"] = $"arn:aws:iam::{Account}:user/{user}",
                    ["accountId"] = Account,
                    ["accessKeyId"] = "AKIAEXAMPLE" + user.ToUpperInvariant(),
                    ["userName"] = user,
                },
                ["eventTime"] = date.AddMinutes(minute++).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["eventSource"] = source,
                ["eventName"] = api,
                ["awsRegion"] = "us-east-1",
                ["sourceIPAddress"] = ip,
                ["userAgent"] = userAgent,
                ["requestParameters"] = null,
                ["responseElements"] = null,
                ["eventID"] = $"00000000-0000-4000-8000-{++eventNumber:D12}",
                ["readOnly"] = false,
                ["eventType"] = "AwsApiCall",
                ["managementEvent"] = true,
                ["recipientAccountId"] = Account,
                ["eventCategory"] = "Management",
            });
        }

        var name = $"{Account}_CloudTrail_us-east-1_{date:yyyyMMdd}T0900Z_Day{day:D3}.json";
        File.WriteAllText(Path.Combine(dayFolder, name), new JsonObject { ["Records"] = records }.ToJsonString());
    }
}
