using System.Text.Json.Nodes;
using Vigil.Cli.Replay;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.EndToEnd.Tests;

/// <summary>VPC flow logs and Route 53 Resolver logs through the ingestor, endpoint grains and network detectors.</summary>
public sealed class NetworkIngestTests : IAsyncLifetime
{
    private const string Tenant = "default";
    private const string ThreatList = "# documentation addresses and a made-up domain\n198.51.100.0/24\nbad.example.net\n";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-network-" + Guid.NewGuid().ToString("N"));
    private ReplaySilo? silo;

    public async Task InitializeAsync()
    {
        silo = await ReplaySilo.StartAsync(null, CancellationToken.None);
        silo.ThreatLists.Load(Tenant, [("network-list", ThreatList)], new PlainTextListParser());
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
    public async Task FlowLog_ListedAddressBothWays()
    {
        var flows = Path.Combine(folder, "AWSLogs", "111122223333", "vpcflowlogs", "eu-west-1", "2024", "03", "05");
        Directory.CreateDirectory(flows);
        File.WriteAllLines(Path.Combine(flows, "111122223333_vpcflowlogs_eu-west-1_fl-0a1b2c3d_20240305T1015Z_a1b2c3d4.log"),
        [
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
            "2 111122223333 eni-0a1b2c3d4e5f60001 10.0.1.15 198.51.100.7 49152 443 6 10 4800 1709633700 1709633760 ACCEPT OK",
            "2 111122223333 eni-0a1b2c3d4e5f60001 198.51.100.9 10.0.1.15 51000 22 6 3 180 1709633760 1709633820 REJECT OK",
            "2 111122223333 eni-0a1b2c3d4e5f60001 10.0.1.15 203.0.113.80 49153 443 6 10 4800 1709633700 1709633760 ACCEPT OK",
            "2 111122223333 eni-0a1b2c3d4e5f60002 - - - - - - - 1709633700 1709633760 - NODATA",
        ]);

        var summary = await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(4, summary.RecordsRead);
        Assert.Equal(0, summary.RecordsRejected);
        Assert.Equal(2, summary.FindingsRaised);
        var finding = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal("UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", finding.Type);
        Assert.Equal(2, finding.Service.Count);
        Assert.Equal("eu-west-1", finding.Region);
        Assert.Equal("111122223333", finding.AccountId);
        Assert.Equal("eni-0a1b2c3d4e5f60001", finding.Resource.InstanceDetails?.NetworkInterfaces?[0].NetworkInterfaceId);
        var connection = finding.Service.Action.NetworkConnectionAction;
        Assert.Equal("INBOUND", connection?.ConnectionDirection);
        Assert.True(connection?.Blocked);
        Assert.Equal("198.51.100.9", connection?.RemoteIpDetails?.IpAddressV4);
        Assert.Equal(22, connection?.LocalPortDetails?.Port);
        Assert.Equal("network-list", finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatListName);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1709633760), finding.Service.EventFirstSeen);
    }

    [Fact]
    public async Task ResolverLog_ListedDomainAndSubdomain()
    {
        var queries = Path.Combine(folder, "AWSLogs", "111122223333", "vpcdnsquerylogs", "vpc-0a1b2c3d", "2024", "03", "05");
        Directory.CreateDirectory(queries);
        File.WriteAllLines(Path.Combine(queries, "vpc-0a1b2c3d_vpcdnsquerylogs_111122223333_20240305T1015Z_a1b2.log"),
        [
            Query("bad.example.net.", "2024-03-05T10:15:00Z"),
            Query("WWW.Bad.Example.NET.", "2024-03-05T10:16:00Z"),
            Query("notbad.example.net.", "2024-03-05T10:17:00Z"),
        ]);

        var summary = await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(3, summary.RecordsRead);
        var finding = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal("Impact:EC2/MaliciousDomainRequest.Custom", finding.Type);
        Assert.Equal(2, finding.Service.Count);
        Assert.Equal("www.bad.example.net", finding.Service.Action.DnsRequestAction?.Domain);
        Assert.Equal("i-0a1b2c3d4e5f60001", finding.Resource.InstanceDetails?.InstanceId);
        Assert.Equal("bad.example.net", finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatNames[0]);
    }

    private static string Query(string name, string time) => new JsonObject
    {
        ["version"] = "1.100000",
        ["account_id"] = "111122223333",
        ["region"] = "eu-west-1",
        ["vpc_id"] = "vpc-0a1b2c3d",
        ["query_timestamp"] = time,
        ["query_name"] = name,
        ["query_type"] = "A",
        ["query_class"] = "IN",
        ["rcode"] = "NOERROR",
        ["answers"] = new JsonArray(),
        ["srcaddr"] = "10.0.1.15",
        ["srcport"] = "53211",
        ["transport"] = "UDP",
        ["srcids"] = new JsonObject { ["instance"] = "i-0a1b2c3d4e5f60001" },
    }.ToJsonString();
}
