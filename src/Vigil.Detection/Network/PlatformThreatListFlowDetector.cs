using System.Collections.Frozen;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Network;

/// <summary>
/// Flow findings from the platform lists, one type per list purpose:
/// <list type="bullet">
/// <item>Backdoor:EC2/C&amp;CActivity.B (8), CryptoCurrency:EC2/BitcoinTool.B (8), Trojan:EC2/BlackholeTraffic (5)
/// and Trojan:EC2/DropPoint (5): traffic in either direction with an address on a list of purpose
/// command-and-control, crypto-mining, blackhole or drop-point. The listed side is the remote one.</item>
/// <item>UnauthorizedAccess:EC2/TorClient (8): the instance opened a connection to a Tor node.</item>
/// <item>UnauthorizedAccess:EC2/TorRelay (8): a Tor node opened an accepted connection to the instance
/// on one of <see cref="FlowListOptions.TorRelayPorts"/>, the ports relays listen on (Vigil's rule).</item>
/// <item>Recon:EC2/PortProbeUnprotectedPort (2, or 8 for <see cref="FlowListOptions.HighSeverityProbePorts"/>)
/// and Recon:EC2/PortProbeEMRUnprotectedPort (8, for <see cref="FlowListOptions.EmrPorts"/>): a known scanner
/// opened a connection to the instance and it was accepted, so the port is reachable. Rejected probes
/// raise nothing, because the port is protected. Ports in <see cref="FlowListOptions.ExcludedProbePorts"/>
/// (80 and 443 by default) raise no probe finding.</item>
/// </list>
/// </summary>
public sealed class PlatformThreatListFlowDetector(FlowListOptions options) : IFlowDetector
{
    public const string CommandAndControlType = "Backdoor:EC2/C&CActivity.B";
    public const string BitcoinToolType = "CryptoCurrency:EC2/BitcoinTool.B";
    public const string BlackholeType = "Trojan:EC2/BlackholeTraffic";
    public const string DropPointType = "Trojan:EC2/DropPoint";
    public const string TorClientType = "UnauthorizedAccess:EC2/TorClient";
    public const string TorRelayType = "UnauthorizedAccess:EC2/TorRelay";
    public const string PortProbeType = "Recon:EC2/PortProbeUnprotectedPort";
    public const string EmrPortProbeType = "Recon:EC2/PortProbeEMRUnprotectedPort";

    private static readonly (ThreatPurpose Purpose, string Type, double Severity, string What)[] EitherDirection =
    [
        (ThreatPurpose.CommandAndControl, CommandAndControlType, 8.0, "a known command-and-control server"),
        (ThreatPurpose.CryptoMining, BitcoinToolType, 8.0, "an address associated with cryptocurrency activity"),
        (ThreatPurpose.Blackhole, BlackholeType, 5.0, "a black-hole address"),
        (ThreatPurpose.DropPoint, DropPointType, 5.0, "a known drop point for stolen credentials or data"),
    ];

    private readonly FrozenSet<int> torRelayPorts = options.TorRelayPorts.ToFrozenSet();
    private readonly FrozenSet<int> emrPorts = options.EmrPorts.ToFrozenSet();
    private readonly FrozenSet<int> highProbePorts = options.HighSeverityProbePorts.ToFrozenSet();
    private readonly FrozenSet<int> neverProbePorts = options.ExcludedProbePorts.ToFrozenSet();

    public PlatformThreatListFlowDetector()
        : this(FlowListOptions.Default)
    {
    }

    public void Inspect(FlowRecord record, string endpointKey, DetectionContext context, List<Finding> findings)
    {
        if (!record.IsTrafficRecord)
        {
            return;
        }

        var intel = context.Intel;
        foreach (var (purpose, type, severity, what) in EitherDirection)
        {
            if (intel.HasPlatformEntries(purpose))
            {
                InspectListedRemote(record, endpointKey, context, purpose, type, severity, what, findings);
            }
        }

        var tor = intel.HasPlatformEntries(ThreatPurpose.Tor);
        var scanner = intel.HasPlatformEntries(ThreatPurpose.Scanner);
        if ((tor || scanner) && FlowSides.TryResolve(record, out var sides))
        {
            if (tor)
            {
                InspectTor(record, endpointKey, context, sides, findings);
            }

            if (scanner)
            {
                InspectProbe(record, endpointKey, context, sides, findings);
            }
        }
    }

    private static void InspectListedRemote(
        FlowRecord record, string endpointKey, DetectionContext context, ThreatPurpose purpose, string type, double severity, string what, List<Finding> findings)
    {
        string direction, remote, local;
        int? remotePort, localPort;
        if (context.Intel.TryMatch(record.SourceAddress, purpose, out var match))
        {
            (direction, remote, remotePort, local, localPort) = ("INBOUND", record.SourceAddress!, record.SourcePort, record.DestinationAddress ?? "", record.DestinationPort);
        }
        else if (context.Intel.TryMatch(record.DestinationAddress, purpose, out match))
        {
            (direction, remote, remotePort, local, localPort) = ("OUTBOUND", record.DestinationAddress!, record.DestinationPort, record.SourceAddress ?? "", record.SourcePort);
        }
        else
        {
            return;
        }

        var subject = Subject(record);
        var template = new FindingTemplate(
            type,
            severity,
            $"{subject} is communicating with {what}.",
            $"{subject} had {direction.ToLowerInvariant()} traffic with {remote}, which is on the list {match.List.Name} (entry {match.Entry}).");
        findings.Add(NetworkFindingFactory.ForFlow(
            record, endpointKey, context, template, "ACTOR", direction, local, localPort, remote, remotePort,
            ThreatListEvidence.For(match), ThreatListEvidence.AdditionalInfo(match)));
    }

    private void InspectTor(FlowRecord record, string endpointKey, DetectionContext context, FlowSides sides, List<Finding> findings)
    {
        if (!context.Intel.TryMatch(sides.RemoteAddress, ThreatPurpose.Tor, out var match))
        {
            return;
        }

        var subject = Subject(record);
        FindingTemplate template;
        if (!sides.RemoteInitiated)
        {
            template = new FindingTemplate(
                TorClientType,
                8.0,
                $"{subject} is connecting to Tor nodes.",
                $"{subject} opened a connection to {sides.RemoteAddress} port {sides.RemotePort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, a Tor node on the list {match.List.Name} (entry {match.Entry}). This can mean that the instance is used to reach the Tor network.");
        }
        else if (record.Action == FlowAction.Accept && sides.LocalPort is { } port && torRelayPorts.Contains(port))
        {
            template = new FindingTemplate(
                TorRelayType,
                8.0,
                $"{subject} is acting as a Tor relay.",
                $"The Tor node {sides.RemoteAddress} (list {match.List.Name}, entry {match.Entry}) opened an accepted connection to {subject} on port {port}, a port Tor relays listen on.");
        }
        else
        {
            return;
        }

        findings.Add(NetworkFindingFactory.ForFlow(
            record, endpointKey, context, template, "ACTOR", sides.Direction, sides.LocalAddress, sides.LocalPort, sides.RemoteAddress, sides.RemotePort,
            ThreatListEvidence.For(match), ThreatListEvidence.AdditionalInfo(match)));
    }

    private void InspectProbe(FlowRecord record, string endpointKey, DetectionContext context, FlowSides sides, List<Finding> findings)
    {
        if (!sides.RemoteInitiated || record.Action != FlowAction.Accept || sides.LocalPort is not { } port || neverProbePorts.Contains(port)
            || !context.Intel.TryMatch(sides.RemoteAddress, ThreatPurpose.Scanner, out var match))
        {
            return;
        }

        var subject = Subject(record);
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var template = emrPorts.Contains(port)
            ? new FindingTemplate(
                EmrPortProbeType,
                8.0,
                $"EMR-related port {portText} on {subject} is being probed by a known scanner.",
                $"Port {portText} on {subject}, which EMR clusters use, accepted a connection from the known scanner {sides.RemoteAddress} (list {match.List.Name}, entry {match.Entry}), so it is not protected by a security group, network ACL or host firewall.")
            : new FindingTemplate(
                PortProbeType,
                highProbePorts.Contains(port) ? 8.0 : 2.0,
                $"Unprotected port {portText} on {subject} is being probed.",
                $"Port {portText} on {subject} accepted a connection from the known scanner {sides.RemoteAddress} (list {match.List.Name}, entry {match.Entry}), so it is not protected by a security group, network ACL or host firewall.");
        var info = ThreatListEvidence.AdditionalInfo(match);
        info["localPort"] = portText;
        findings.Add(NetworkFindingFactory.ForFlow(
            record, endpointKey, context, template, "TARGET", "INBOUND", sides.LocalAddress, sides.LocalPort, sides.RemoteAddress, sides.RemotePort,
            ThreatListEvidence.For(match), info));
    }

    private static string Subject(FlowRecord record) => record.InstanceId ?? record.InterfaceId ?? "(unknown)";
}

/// <summary>Ports that the platform-list flow rules treat specially; the defaults are documented in docs/findings.md.</summary>
public sealed record FlowListOptions
{
    public static FlowListOptions Default { get; } = new();

    /// <summary>Local ports on which an accepted connection from a Tor node marks a relay: Tor's usual ORPort and DirPort.</summary>
    public IReadOnlyList<int> TorRelayPorts { get; init; } = [9001, 9030];

    /// <summary>
    /// Ports of EMR cluster services (YARN ResourceManager 8088, YARN web proxy 20888, HDFS NameNode 9870
    /// and 50070, Spark history 18080, Livy 8998, Hue 8888, Zeppelin 8890, HBase 16010). A probe of one
    /// raises the EMR type. Vigil does not know whether the instance belongs to an EMR cluster.
    /// </summary>
    public IReadOnlyList<int> EmrPorts { get; init; } = [8088, 20888, 9870, 50070, 18080, 8998, 8888, 8890, 16010];

    /// <summary>Probed ports that raise severity 8 instead of 2: Elasticsearch's 9200 and 9300.</summary>
    public IReadOnlyList<int> HighSeverityProbePorts { get; init; } = [9200, 9300];

    /// <summary>Ports that raise no probe finding, because web servers are meant to be reachable (80 and 443 by default).</summary>
    public IReadOnlyList<int> ExcludedProbePorts { get; init; } = [80, 443];
}
