using System.Net;
using System.Net.Sockets;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Network;

/// <summary>
/// Builds occurrences of EC2 network findings (resource type Instance) from flow records and DNS
/// queries. The aggregation key is the finding type, account, region, endpoint and resource role.
/// </summary>
public static class NetworkFindingFactory
{
    public static Finding ForFlow(
        FlowRecord record, string endpointKey, DetectionContext context, FindingTemplate template,
        string resourceRole, string direction, string localAddress, int? localPort, string remoteAddress, int? remotePort,
        FindingEvidence? evidence, IReadOnlyDictionary<string, string>? additionalInfo)
    {
        var time = record.End ?? record.Start ?? record.IngestTime;
        var action = new FindingAction
        {
            ActionType = "NETWORK_CONNECTION",
            NetworkConnectionAction = new NetworkConnectionAction
            {
                ConnectionDirection = direction,
                Protocol = ProtocolName(record.Protocol),
                Blocked = record.Action == FlowAction.Reject,
                LocalIpDetails = IpDetails(localAddress),
                LocalPortDetails = new PortDetails { Port = localPort },
                RemoteIpDetails = IpDetails(remoteAddress),
                RemotePortDetails = new PortDetails { Port = remotePort },
                LocalNetworkInterface = record.InterfaceId,
            },
        };
        var instance = new InstanceDetails
        {
            InstanceId = record.InstanceId,
            NetworkInterfaces = [new NetworkInterfaceDetails { NetworkInterfaceId = record.InterfaceId, PrivateIpAddress = localAddress, VpcId = record.VpcId, SubnetId = record.SubnetId }],
        };
        var info = new Dictionary<string, string>(additionalInfo ?? new Dictionary<string, string>())
        {
            ["endpointKey"] = endpointKey,
        };
        if (record.Bytes is { } bytes)
        {
            info[direction == "INBOUND" ? "inBytes" : "outBytes"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var occurrence = new FindingOccurrence(record.AccountId ?? "unknown", record.Region ?? "unknown", endpointKey, resourceRole, time);
        return FindingFactory.Create(context, template, occurrence, Instance(instance), action, evidence, info);
    }

    public static Finding ForDns(
        DnsQueryRecord record, string endpointKey, DetectionContext context, FindingTemplate template,
        FindingEvidence? evidence, IReadOnlyDictionary<string, string>? additionalInfo)
    {
        var action = new FindingAction
        {
            ActionType = "DNS_REQUEST",
            DnsRequestAction = new DnsRequestAction
            {
                Domain = record.NormalizedQueryName,
                Protocol = record.Transport,
                Blocked = string.Equals(record.FirewallRuleAction, "BLOCK", StringComparison.OrdinalIgnoreCase),
                VpcOwnerAccountId = record.AccountId,
            },
        };
        var instance = new InstanceDetails
        {
            InstanceId = record.SourceIds?.Instance,
            NetworkInterfaces = [new NetworkInterfaceDetails { PrivateIpAddress = record.SourceAddress, VpcId = record.VpcId }],
        };
        var info = new Dictionary<string, string>(additionalInfo ?? new Dictionary<string, string>())
        {
            ["endpointKey"] = endpointKey,
            ["domain"] = record.NormalizedQueryName,
        };
        var occurrence = new FindingOccurrence(record.AccountId ?? "unknown", record.Region ?? "unknown", endpointKey, "ACTOR", record.QueryTimestamp);
        return FindingFactory.Create(context, template, occurrence, Instance(instance), action, evidence, info);
    }

    private static FindingResource Instance(InstanceDetails details) => new() { ResourceType = "Instance", InstanceDetails = details };

    /// <summary>Names the common IANA protocol numbers; others are returned as the number.</summary>
    public static string? ProtocolName(int? protocol) => protocol switch
    {
        null => null,
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPV6",
        _ => protocol.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static RemoteIpDetails? IpDetails(string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var parsed))
        {
            return null;
        }

        return parsed.AddressFamily == AddressFamily.InterNetwork
            ? new RemoteIpDetails { IpAddressV4 = parsed.ToString() }
            : new RemoteIpDetails { IpAddressV6 = parsed.ToString() };
    }
}
