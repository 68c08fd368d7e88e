using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Findings;
using Vigil.Detection.Network;

namespace Vigil.Rules;

/// <summary>
/// Builds the findings that rule matches raise. The finding is shaped like Vigil's built-in
/// findings for the same log (an API call for CloudTrail, a network connection or DNS request for
/// flow and Resolver logs). Its id aggregates per tenant, rule, account, region and principal or
/// endpoint, so repeats of one rule by one principal raise the count of one finding.
/// </summary>
internal static class RuleFindings
{
    public static Finding ForCloudTrail(CloudTrailEvent record, string principalKey, DetectionContext context, RuleHeader header, Dictionary<string, string> info)
    {
        AddHeader(header, info);
        var finding = ApiCallFindingFactory.Create(record, principalKey, context, Template(header), additionalInfo: info);
        return Rekey(finding, context, principalKey, header, "ACTOR");
    }

    public static Finding ForFlow(FlowRecord record, string endpointKey, DetectionContext context, RuleHeader header, Dictionary<string, string> info)
    {
        AddHeader(header, info);
        var direction = DirectionOf(record);
        var inbound = direction == "INBOUND";
        var (local, localPort, remote, remotePort) = inbound
            ? (record.DestinationAddress, record.DestinationPort, record.SourceAddress, record.SourcePort)
            : (record.SourceAddress, record.SourcePort, record.DestinationAddress, record.DestinationPort);
        var role = inbound ? "TARGET" : "ACTOR";
        var finding = NetworkFindingFactory.ForFlow(record, endpointKey, context, Template(header), role, direction, local ?? "unknown", localPort, remote ?? "unknown", remotePort, evidence: null, info);
        return Rekey(finding, context, endpointKey, header, role);
    }

    public static Finding ForDns(DnsQueryRecord record, string endpointKey, DetectionContext context, RuleHeader header, Dictionary<string, string> info)
    {
        AddHeader(header, info);
        var finding = NetworkFindingFactory.ForDns(record, endpointKey, context, Template(header), evidence: null, info);
        return Rekey(finding, context, endpointKey, header, "ACTOR");
    }

    /// <summary>
    /// Returns the direction seen from the interface: the record's <c>flow-direction</c>, or else the
    /// side with a private address (RFC 1918 or IPv6 unique local) is taken as the local one.
    /// </summary>
    private static string DirectionOf(FlowRecord record)
    {
        if (string.Equals(record.FlowDirection, "ingress", StringComparison.OrdinalIgnoreCase))
        {
            return "INBOUND";
        }

        if (string.Equals(record.FlowDirection, "egress", StringComparison.OrdinalIgnoreCase))
        {
            return "OUTBOUND";
        }

        var sourcePrivate = IsPrivate(record.SourceAddress);
        var destinationPrivate = IsPrivate(record.DestinationAddress);
        return (sourcePrivate, destinationPrivate) switch
        {
            (false, true) => "INBOUND",
            (true, false) => "OUTBOUND",
            _ => "UNKNOWN",
        };
    }

    private static bool IsPrivate(string? address)
    {
        if (address is null || !System.Net.IPAddress.TryParse(address, out var parsed))
        {
            return false;
        }

        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return parsed.IsIPv6UniqueLocal || parsed.IsIPv6LinkLocal;
        }

        var bytes = parsed.GetAddressBytes();
        return bytes[0] == 10 || (bytes[0] == 172 && bytes[1] >= 16 && bytes[1] <= 31) || (bytes[0] == 192 && bytes[1] == 168);
    }

    /// <summary>Adds the evidence fields under <c>match.FIELD</c> keys.</summary>
    public static Dictionary<string, string> MatchInfo(IReadOnlyList<KeyValuePair<string, string>> evidence)
    {
        var info = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value) in evidence)
        {
            info["match." + field] = value;
        }

        return info;
    }

    private static void AddHeader(RuleHeader header, Dictionary<string, string> info)
    {
        info["ruleKey"] = header.Key;
        info["ruleTitle"] = header.Title;
        info["ruleLevel"] = header.Level.ToString().ToLowerInvariant();
        if (header.Id is not null)
        {
            info["ruleId"] = header.Id;
        }

        if (header.Tags.Count > 0)
        {
            info["ruleTags"] = string.Join(", ", header.Tags);
        }
    }

    private static FindingTemplate Template(RuleHeader header) =>
        new(header.FindingType, header.Severity, header.Title, string.IsNullOrWhiteSpace(header.Description) ? header.Title : header.Description.Trim());

    private static Finding Rekey(Finding finding, DetectionContext context, string resourceKey, RuleHeader header, string role)
    {
        var id = FindingId.For(context.TenantId, finding.Type, finding.AccountId, finding.Region, resourceKey + "\nrule:" + header.Key, role);
        return finding with { Id = id, Arn = FindingId.ArnFor(finding.Region, finding.AccountId, finding.Service.DetectorId, id) };
    }
}
