using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Network;

/// <summary>
/// UnauthorizedAccess:EC2/MaliciousIPCaller.Custom (severity 5): a network interface exchanged
/// traffic with an address on one of the tenant's threat lists. Both directions count, and so do
/// rejected flows, with Blocked set in the finding. NODATA and SKIPDATA records carry no addresses.
/// The listed side is the remote one: a listed source means an inbound connection, a listed
/// destination an outbound one.
/// </summary>
public sealed class CustomThreatListFlowDetector : IFlowDetector
{
    public const string FindingType = "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom";

    public void Inspect(FlowRecord record, string endpointKey, DetectionContext context, List<Finding> findings)
    {
        if (!record.IsTrafficRecord || context.Intel.EntryCount == 0)
        {
            return;
        }

        string direction;
        string remote, local;
        int? remotePort, localPort;
        if (context.Intel.TryMatch(record.SourceAddress, out var match))
        {
            (direction, remote, remotePort, local, localPort) = ("INBOUND", record.SourceAddress!, record.SourcePort, record.DestinationAddress ?? "", record.DestinationPort);
        }
        else if (context.Intel.TryMatch(record.DestinationAddress, out match))
        {
            (direction, remote, remotePort, local, localPort) = ("OUTBOUND", record.DestinationAddress!, record.DestinationPort, record.SourceAddress ?? "", record.SourcePort);
        }
        else
        {
            return;
        }

        var interfaceText = record.InstanceId ?? record.InterfaceId ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            5.0,
            $"{interfaceText} is communicating with an IP address on a custom threat list.",
            $"{interfaceText} had {direction.ToLowerInvariant()} traffic with {remote}, which is on the custom threat list {match.List.Name} (entry {match.Entry}).");
        findings.Add(NetworkFindingFactory.ForFlow(
            record, endpointKey, context, template, "ACTOR", direction, local, localPort, remote, remotePort,
            ThreatListEvidence.For(match), ThreatListEvidence.AdditionalInfo(match)));
    }
}
