using Vigil.Contracts.Events;
using Vigil.Detection.Network;
using Vigil.Ingestion.ThreatLists;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Network;

public sealed class PlatformFlowDetectorTests
{
    private const string Listed = "198.51.100.7";
    private const string Unlisted = "203.0.113.80";

    [Theory]
    [InlineData(ThreatPurpose.CommandAndControl, "Backdoor:EC2/C&CActivity.B", 8.0)]
    [InlineData(ThreatPurpose.CryptoMining, "CryptoCurrency:EC2/BitcoinTool.B", 8.0)]
    [InlineData(ThreatPurpose.Blackhole, "Trojan:EC2/BlackholeTraffic", 5.0)]
    [InlineData(ThreatPurpose.DropPoint, "Trojan:EC2/DropPoint", 5.0)]
    public void ListedDestination_RaisesPurposeType(ThreatPurpose purpose, string type, double severity)
    {
        var context = Context("feed", purpose, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Local, 49152, Listed, 443)], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal(type, finding.Type);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal("OUTBOUND", finding.Service.Action.NetworkConnectionAction?.ConnectionDirection);
        Assert.Equal(Listed, finding.Service.Action.NetworkConnectionAction?.RemoteIpDetails?.IpAddressV4);
        Assert.Equal("feed", finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatListName);
        Assert.Equal(Listed, finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatNames[0]);
        Assert.NotNull(finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatFileSha256);
        Assert.Equal(ThreatPurposeNames.NameOf(purpose), finding.Service.AdditionalInfo?["threatPurpose"]);
    }

    [Theory]
    [InlineData(ThreatPurpose.CommandAndControl)]
    [InlineData(ThreatPurpose.CryptoMining)]
    [InlineData(ThreatPurpose.Blackhole)]
    [InlineData(ThreatPurpose.DropPoint)]
    public void UnlistedDestination_RaisesNothing(ThreatPurpose purpose)
    {
        var context = Context("feed", purpose, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Local, 49152, Unlisted, 443)], "endpoint", context);

        Assert.Empty(findings);
    }

    [Fact]
    public void PlatformMatch_IsNotCustomType()
    {
        var context = Context("feed", ThreatPurpose.CommandAndControl, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Local, 49152, Listed, 443)], "endpoint", context);

        Assert.DoesNotContain(findings, finding => finding.Type == CustomThreatListFlowDetector.FindingType);
    }

    [Fact]
    public void TenantList_StillRaisesCustomType()
    {
        var context = Context([("feed", ThreatPurpose.CommandAndControl, Listed + "\n")], tenantThreats: Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Local, 49152, Listed, 443)], "endpoint", context);

        Assert.Contains(findings, finding => finding.Type == CustomThreatListFlowDetector.FindingType);
        Assert.Contains(findings, finding => finding.Type == PlatformThreatListFlowDetector.CommandAndControlType);
    }

    [Fact]
    public void TenantTrusted_WinsOverPlatformList()
    {
        var context = Context([("feed", ThreatPurpose.CommandAndControl, "198.51.100.0/24\n")], tenantTrusted: Listed + "\n");

        var trusted = NetworkDetection.Default.InspectFlows([Flow(Local, 49152, Listed, 443)], "endpoint", context);
        var other = NetworkDetection.Default.InspectFlows([Flow(Local, 49152, "198.51.100.8", 443)], "endpoint", context);

        Assert.Empty(trusted);
        Assert.Single(other);
    }

    [Fact]
    public void OutboundToTorNode_RaisesTorClient()
    {
        var context = Context("tor-nodes", ThreatPurpose.Tor, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Local, 49152, Listed, 9001)], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal("UnauthorizedAccess:EC2/TorClient", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("OUTBOUND", finding.Service.Action.NetworkConnectionAction?.ConnectionDirection);
    }

    [Fact]
    public void TorNodeToRelayPort_RaisesTorRelay()
    {
        var context = Context("tor-nodes", ThreatPurpose.Tor, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 50123, Local, 9001)], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal("UnauthorizedAccess:EC2/TorRelay", finding.Type);
        Assert.Equal("INBOUND", finding.Service.Action.NetworkConnectionAction?.ConnectionDirection);
    }

    [Fact]
    public void TorNodeToWebServer_RaisesNothing()
    {
        var context = Context("tor-nodes", ThreatPurpose.Tor, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 50123, Local, 443)], "endpoint", context);

        Assert.Empty(findings);
    }

    [Fact]
    public void TorReplyToClient_CountsAsClient()
    {
        // The reply of a Tor guard to the instance: source port 9001, SYN-ACK, so the instance opened it.
        var context = Context("tor-nodes", ThreatPurpose.Tor, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 9001, Local, 49152, tcpFlags: 18)], "endpoint", context);

        Assert.Equal("UnauthorizedAccess:EC2/TorClient", Assert.Single(findings).Type);
    }

    [Fact]
    public void AcceptedScannerProbe_RaisesPortProbe()
    {
        var context = Context("scanners", ThreatPurpose.Scanner, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 50123, Local, 5432)], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal("Recon:EC2/PortProbeUnprotectedPort", finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal("TARGET", finding.Service.ResourceRole);
        Assert.Equal(5432, finding.Service.Action.NetworkConnectionAction?.LocalPortDetails?.Port);
        Assert.Equal(Listed, finding.Service.Action.NetworkConnectionAction?.RemoteIpDetails?.IpAddressV4);
    }

    [Fact]
    public void RejectedScannerProbe_RaisesNothing()
    {
        var context = Context("scanners", ThreatPurpose.Scanner, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 50123, Local, 5432, FlowAction.Reject)], "endpoint", context);

        Assert.Empty(findings);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(443)]
    public void ScannerOnWebPort_RaisesNothing(int port)
    {
        var context = Context("scanners", ThreatPurpose.Scanner, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 50123, Local, port)], "endpoint", context);

        Assert.Empty(findings);
    }

    [Fact]
    public void ScannerOnElasticsearchPort_IsHigh()
    {
        var context = Context("scanners", ThreatPurpose.Scanner, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 50123, Local, 9200)], "endpoint", context);

        Assert.Equal(8.0, Assert.Single(findings).Severity);
    }

    [Fact]
    public void ScannerOnEmrPort_RaisesEmrType()
    {
        var context = Context("scanners", ThreatPurpose.Scanner, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 50123, Local, 8088)], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal("Recon:EC2/PortProbeEMRUnprotectedPort", finding.Type);
        Assert.Equal(8.0, finding.Severity);
    }

    [Fact]
    public void ScannerReplyToInstance_RaisesNothing()
    {
        // The instance asked a listed host for the time: the reply comes from port 123 to an ephemeral port.
        var context = Context("scanners", ThreatPurpose.Scanner, Listed + "\n");

        var findings = NetworkDetection.Default.InspectFlows([Flow(Listed, 123, Local, 45653, protocol: 17)], "endpoint", context);

        Assert.Empty(findings);
    }

    [Fact]
    public void NoDataRecord_RaisesNothing()
    {
        var context = Context("feed", ThreatPurpose.CommandAndControl, Listed + "\n");
        var record = Flow(Local, 49152, Listed, 443) with { LogStatus = FlowLogStatus.NoData };

        var findings = NetworkDetection.Default.InspectFlows([record], "endpoint", context);

        Assert.Empty(findings);
    }
}
