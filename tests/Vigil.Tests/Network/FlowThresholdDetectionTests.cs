using Vigil.Contracts.Detection;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Network;
using Vigil.Tests.Detection;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Network;

public sealed class FlowThresholdDetectionTests
{
    private const string Remote = "203.0.113.80";

    private static readonly DetectionContext Empty = Context([]);

    private static IReadOnlyList<Finding> Run(IEnumerable<FlowRecord> records, FlowWindowState? state = null, DetectionContext? context = null) =>
        NetworkDetection.Default.InspectFlows(records, "endpoint", context ?? Empty, state ?? new FlowWindowState());

    [Fact]
    public void FiftyPortsOfOneHost_RaisesPortscan()
    {
        var flows = Enumerable.Range(1, 50).Select(port => Flow(Local, 40000 + port, Remote, port));

        var finding = Assert.Single(Run(flows));

        Assert.Equal("Recon:EC2/Portscan", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("ACTOR", finding.Service.ResourceRole);
    }

    [Fact]
    public void FortyNinePorts_RaisesNothing()
    {
        var flows = Enumerable.Range(1, 49).Select(port => Flow(Local, 40000 + port, Remote, port));

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void PortsSplitAcrossWindows_RaisesNothing()
    {
        var early = Enumerable.Range(1, 30).Select(port => Flow(Local, 40000 + port, Remote, port, time: TestEvents.Time));
        var late = Enumerable.Range(31, 30).Select(port => Flow(Local, 40000 + port, Remote, port, time: TestEvents.Time.AddMinutes(10)));

        Assert.Empty(Run(early.Concat(late)));
    }

    [Fact]
    public void OnePortOfFiftyHosts_RaisesPortSweep()
    {
        var flows = Enumerable.Range(1, 50).Select(host => Flow(Local, 40000 + host, $"203.0.113.{host}", 6379));

        var finding = Assert.Single(Run(flows));

        Assert.Equal("Impact:EC2/PortSweep", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("203.0.113.50", finding.Service.Action.NetworkConnectionAction?.RemoteIpDetails?.IpAddressV4);
    }

    [Fact]
    public void SweepOfPrivateHosts_RaisesNothing()
    {
        // Both sides private: the local side is unknown without flow-direction, so nothing is counted.
        var flows = Enumerable.Range(1, 60).Select(host => Flow(Local, 40000 + host, $"10.0.2.{host}", 6379));

        Assert.Empty(Run(flows));
    }

    [Theory]
    [InlineData(22, "UnauthorizedAccess:EC2/SSHBruteForce")]
    [InlineData(3389, "UnauthorizedAccess:EC2/RDPBruteForce")]
    [InlineData(5985, "Impact:EC2/WinRMBruteForce")]
    public void ManyInboundLogins_RaisesTargetBruteForce(int port, string type)
    {
        var flows = Enumerable.Range(1, 20).Select(attempt => Flow(Remote, 50000 + attempt, Local, port));

        var finding = Assert.Single(Run(flows));

        Assert.Equal(type, finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal("TARGET", finding.Service.ResourceRole);
        Assert.Equal("INBOUND", finding.Service.Action.NetworkConnectionAction?.ConnectionDirection);
    }

    [Fact]
    public void ManyOutboundLogins_RaisesActorBruteForce()
    {
        var flows = Enumerable.Range(1, 20).Select(attempt => Flow(Local, 50000 + attempt, Remote, 22));

        var finding = Assert.Single(Run(flows));

        Assert.Equal("UnauthorizedAccess:EC2/SSHBruteForce", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("ACTOR", finding.Service.ResourceRole);
    }

    [Fact]
    public void RejectedLogins_RaiseNothing()
    {
        var flows = Enumerable.Range(1, 40).Select(attempt => Flow(Remote, 50000 + attempt, Local, 22, FlowAction.Reject));

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void OneLongSession_RaisesNothing()
    {
        // One SSH session logged in 30 intervals keeps its client port: one connection, not thirty.
        var flows = Enumerable.Range(0, 30).Select(minute => Flow(Remote, 50001, Local, 22, time: TestEvents.Time.AddSeconds(minute * 10)));

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void CountersAcrossBatches_UseState()
    {
        var state = new FlowWindowState();
        var first = Run(Enumerable.Range(1, 15).Select(attempt => Flow(Remote, 50000 + attempt, Local, 22)), state);
        var second = Run(Enumerable.Range(16, 15).Select(attempt => Flow(Remote, 50000 + attempt, Local, 22)), state);

        Assert.Empty(first);
        Assert.Equal("UnauthorizedAccess:EC2/SSHBruteForce", Assert.Single(second).Type);
    }

    [Fact]
    public void SecondWindowOverThreshold_RaisesAgain()
    {
        var state = new FlowWindowState();
        var flows = Enumerable.Range(1, 20).Select(attempt => Flow(Remote, 50000 + attempt, Local, 22))
            .Concat(Enumerable.Range(1, 20).Select(attempt => Flow(Remote, 50000 + attempt, Local, 22, time: TestEvents.Time.AddMinutes(10))));

        var finding = Assert.Single(Run(flows, state));

        Assert.Equal(2, finding.Service.Count);
    }

    [Theory]
    [InlineData(17, 53, "Backdoor:EC2/DenialOfService.Dns")]
    [InlineData(6, 443, "Backdoor:EC2/DenialOfService.Tcp")]
    [InlineData(17, 9999, "Backdoor:EC2/DenialOfService.Udp")]
    [InlineData(17, 443, "Backdoor:EC2/DenialOfService.UdpOnTcpPorts")]
    [InlineData(2, 0, "Backdoor:EC2/DenialOfService.UnusualProtocol")]
    public void PacketFlood_RaisesDenialOfService(int protocol, int port, string type)
    {
        var flows = Enumerable.Range(1, 10).Select(flow => Flow(Local, 40000 + flow, Remote, port, protocol: protocol, packets: 100_000));

        var finding = Assert.Single(Run(flows));

        Assert.Equal(type, finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("OUTBOUND", finding.Service.Action.NetworkConnectionAction?.ConnectionDirection);
    }

    [Fact]
    public void TrafficBelowFloodThreshold_RaisesNothing()
    {
        var flows = Enumerable.Range(1, 9).Select(flow => Flow(Local, 40000 + flow, Remote, 443, packets: 100_000));

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void BulkTcpUpload_IsNotDenialOfService()
    {
        // Ten connections of 100,000 packets averaging 1,400 bytes: 1.4 GB uploaded to one host in ten minutes.
        var flows = Enumerable.Range(1, 10).Select(flow => Flow(Local, 40000 + flow, Remote, 443, packets: 100_000) with { Bytes = 140_000_000 });

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void InboundFlood_RaisesNothing()
    {
        var flows = Enumerable.Range(1, 20).Select(flow => Flow(Remote, 443, Local, 40000 + flow, packets: 100_000));

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void TrustedRemote_IsNotCounted()
    {
        var context = Context([], tenantTrusted: Remote + "\n");
        var flows = Enumerable.Range(1, 30).Select(attempt => Flow(Remote, 50000 + attempt, Local, 22));

        Assert.Empty(Run(flows, context: context));
    }

    [Fact]
    public void OldRecord_CountedAsLate()
    {
        var state = new FlowWindowState();
        Run([Flow(Local, 40001, Remote, 443, time: TestEvents.Time.AddHours(1))], state);
        Run([Flow(Local, 40002, Remote, 443, time: TestEvents.Time.AddHours(2))], state);
        Run([Flow(Local, 40003, Remote, 443, time: TestEvents.Time.AddHours(3))], state);

        Run([Flow(Local, 40004, Remote, 443, time: TestEvents.Time)], state);

        Assert.Equal(3, state.Windows.Count);
        Assert.Equal(1, state.LateRecords);
    }

    [Fact]
    public void ManyRemoteHosts_CountersStayBounded()
    {
        var state = new FlowWindowState();
        var flows = Enumerable.Range(0, 5_000).Select(index => Flow($"198.51.{100 + (index / 250)}.{index % 250}", 50000, Local, 22));

        Run(flows, state);

        Assert.Equal(FlowThresholdOptions.Default.MaxCountersPerWindow, Assert.Single(state.Windows).Counters.Count);
        Assert.Equal(5_000 - FlowThresholdOptions.Default.MaxCountersPerWindow, state.DroppedCounters);
    }
}
