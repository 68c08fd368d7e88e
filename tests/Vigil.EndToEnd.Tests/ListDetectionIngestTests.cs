using System.IO.Compression;
using System.Text.Json;
using Vigil.Cli.Replay;
using Vigil.Detection.Detectors;
using Vigil.Detection.Intel;
using Vigil.Detection.Network;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.EndToEnd.Tests;

/// <summary>Platform lists, threshold counting across files and redelivered IAM changes through the ingestor and grains.</summary>
public sealed class ListDetectionIngestTests : IAsyncLifetime
{
    private const string Scanner = "198.51.100.23";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-lists-" + Guid.NewGuid().ToString("N"));
    private ReplaySilo? silo;

    private string FlowFolder => Path.Combine(folder, "AWSLogs", "111122223333", "vpcflowlogs", "eu-west-1", "2024", "03", "05");

    public async Task InitializeAsync()
    {
        silo = await ReplaySilo.StartAsync(null, CancellationToken.None);
        silo.ThreatLists.LoadPlatform([new ThreatListSource("scanners", Scanner + "\n") { Purpose = ThreatPurpose.Scanner }]);
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RedeliveredAdminGrant_RaisedOnce()
    {
        // The attach call is in the file twice and again in a second copy of the file.
        var day = Path.Combine(folder, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "03", "05");
        Directory.CreateDirectory(day);
        string[] events = ["AttachUserPolicy:0801", "ListUsers:0802", "AttachUserPolicy:0801"];
        var content = JsonSerializer.Serialize(new { Records = events.Select(Event) });
        File.WriteAllText(Path.Combine(day, "111122223333_CloudTrail_us-east-1_20240305T1015Z_Aa1Example0001.json"), content);

        var first = await silo!.Ingestor.IngestFolderAsync("bc08", folder, null, CancellationToken.None);
        File.WriteAllText(Path.Combine(day, "111122223333_CloudTrail_us-east-1_20240305T1015Z_Aa1Example0002.json"), content);
        var second = await silo.Ingestor.IngestFolderAsync("bc08", folder, null, CancellationToken.None);

        Assert.Equal(1, first.DuplicatesDropped);
        Assert.Equal(3, second.DuplicatesDropped);
        var finding = Assert.Single(silo.Findings.Snapshot("bc08"), finding => finding.Type == AdministrativePermissionsDetector.FindingType);
        Assert.Equal(1, finding.Service.Count);
        Assert.Equal("bob", finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::IAM::User"]);
    }

    [Fact]
    public async Task BruteForceAcrossFiles_RaisedOnce()
    {
        Directory.CreateDirectory(FlowFolder);
        WriteFlows("T1015Z_a1", Enumerable.Range(1, 12).Select(attempt => Line("203.0.113.80", 50000 + attempt, "10.0.1.15", 22, "ACCEPT", 1709633700)));
        WriteFlows("T1020Z_b2", Enumerable.Range(13, 12).Select(attempt => Line("203.0.113.80", 50000 + attempt, "10.0.1.15", 22, "ACCEPT", 1709633760)));

        await silo!.Ingestor.IngestFolderAsync("brute", folder, null, CancellationToken.None);

        var finding = Assert.Single(silo.Findings.Snapshot("brute"));
        Assert.Equal(FlowThresholdDetection.SshBruteForceType, finding.Type);
        Assert.Equal("TARGET", finding.Service.ResourceRole);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal(1, finding.Service.Count);
    }

    [Fact]
    public async Task ScannerProbe_OnlyAcceptedRaises()
    {
        Directory.CreateDirectory(FlowFolder);
        WriteFlows("T1015Z_c3",
        [
            Line(Scanner, 41000, "10.0.1.15", 5432, "REJECT", 1709633700, "eni-0a1b2c3d4e5f60001"),
            Line(Scanner, 41001, "10.0.1.16", 5432, "ACCEPT", 1709633700, "eni-0a1b2c3d4e5f60002"),
            Line(Scanner, 41002, "10.0.1.16", 443, "ACCEPT", 1709633700, "eni-0a1b2c3d4e5f60002"),
        ]);

        await silo!.Ingestor.IngestFolderAsync("probes", folder, null, CancellationToken.None);

        var finding = Assert.Single(silo.Findings.Snapshot("probes"));
        Assert.Equal(PlatformThreatListFlowDetector.PortProbeType, finding.Type);
        Assert.Equal("eni-0a1b2c3d4e5f60002", finding.Resource.InstanceDetails?.NetworkInterfaces?[0].NetworkInterfaceId);
        Assert.Equal(5432, finding.Service.Action.NetworkConnectionAction?.LocalPortDetails?.Port);
        Assert.Equal("scanners", finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatListName);
    }

    [SharedDataFact]
    public async Task RealScannerProbes_RejectedRaiseNoPortProbe()
    {
        var intel = Path.Combine(SharedDataFactAttribute.Folder, "intel", "stamparm_maltrail");
        var flowLogs = Path.Combine(SharedDataFactAttribute.Folder, "vpcflow", "criblpacks_cribl-vpc-flow-for-security-teams");
        var loaded = silo!.ThreatLists.LoadPlatform(
        [
            new ThreatListSource("mass-scanners", File.ReadAllText(Path.Combine(intel, "mass_scanner.txt"))) { Purpose = ThreatPurpose.Scanner },
            new ThreatListSource("mass-scanner-ranges", File.ReadAllText(Path.Combine(intel, "mass_scanner_cidr.txt"))) { Purpose = ThreatPurpose.Scanner },
        ]);
        Assert.All(loaded, list => Assert.True(list.Entries.Count > 1_000, $"{list.Name} loaded {list.Entries.Count} entries"));
        var logFile = Directory.GetFiles(flowLogs, "*.log.gz").Single();
        var lines = ReadLines(logFile);
        var snapshot = silo.ThreatLists.For("cribl");
        var scannerSources = lines.Skip(1).Select(line => line.Split(' ')[3]).Distinct().Where(source => snapshot.TryMatch(source, ThreatPurpose.Scanner, out _)).ToList();

        var summary = await silo.Ingestor.IngestFolderAsync("cribl", flowLogs, null, CancellationToken.None);

        Assert.Equal(99, summary.RecordsRead);
        Assert.True(scannerSources.Count >= 7, $"only {scannerSources.Count} sources are on the scanner lists");
        Assert.DoesNotContain(silo.Findings.Snapshot("cribl"), finding => finding.Type.StartsWith("Recon:EC2/PortProbe", StringComparison.Ordinal));

        // The same probes, accepted, mean open ports.
        Directory.CreateDirectory(folder);
        var accepted = lines.Select(line => scannerSources.Contains(line.Split(' ')[3]) ? line.Replace(" REJECT OK", " ACCEPT OK", StringComparison.Ordinal) : line);
        File.WriteAllLines(Path.Combine(folder, Path.GetFileNameWithoutExtension(logFile)), accepted);

        await silo.Ingestor.IngestFolderAsync("cribl-accepted", folder, null, CancellationToken.None);

        var probes = silo.Findings.Snapshot("cribl-accepted").Where(finding => finding.Type.StartsWith("Recon:EC2/PortProbe", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(probes);
        Assert.All(probes, probe => Assert.Contains(probe.Service.Action.NetworkConnectionAction?.RemoteIpDetails?.IpAddressV4, scannerSources));
    }

    private static List<string> ReadLines(string gzipPath)
    {
        using var file = File.OpenRead(gzipPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private void WriteFlows(string slotAndSuffix, IEnumerable<string> lines) =>
        File.WriteAllLines(
            Path.Combine(FlowFolder, $"111122223333_vpcflowlogs_eu-west-1_fl-0a1b2c3d_20240305{slotAndSuffix}.log"),
            ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", .. lines]);

    private static string Line(string source, int sourcePort, string destination, int destinationPort, string action, long end, string eni = "eni-0a1b2c3d4e5f60001") =>
        $"2 111122223333 {eni} {source} {destination} {sourcePort} {destinationPort} 6 5 300 {end - 30} {end} {action} OK";

    private static object Event(string nameAndId)
    {
        var (name, id) = (nameAndId.Split(':')[0], nameAndId.Split(':')[1]);
        return new
        {
            eventVersion = "1.09",
            userIdentity = new { type = "IAMUser", principalId = "AIDAEXAMPLEUSERID0001", arn = "arn:aws:iam::111122223333:user/alice", accountId = "111122223333", accessKeyId = "AKIAEXAMPLEKEY000001", userName = "alice" },
            eventTime = "2024-03-05T10:15:00Z",
            eventSource = "iam.amazonaws.com",
            eventName = name,
            awsRegion = "us-east-1",
            sourceIPAddress = "203.0.113.10",
            userAgent = "aws-cli/2.15.0",
            requestParameters = name == "AttachUserPolicy" ? new { userName = "bob", policyArn = "arn:aws:iam::aws:policy/AdministratorAccess" } : null,
            eventID = "10000000-0000-4000-8000-00000000" + id,
            eventType = "AwsApiCall",
            managementEvent = true,
            recipientAccountId = "111122223333",
            eventCategory = "Management",
        };
    }
}
