using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;
using Vigil.Detection.Intel;

namespace Vigil.Detection.Network;

/// <summary>
/// UnauthorizedAccess:EC2/MetadataDNSRebind (severity 8): an instance queried a domain whose answer is
/// the instance metadata service, 169.254.169.254 (or fd00:ec2::254 over IPv6). A page that makes the
/// instance resolve such a name can reach the metadata service through DNS rebinding. The names AWS
/// itself gives the service (<c>instance-data</c> and names under <c>.internal</c>) are left out, because
/// they resolve there by design (Vigil's rule).
/// </summary>
public sealed class MetadataDnsRebindDetector : IDnsDetector
{
    public const string FindingType = "UnauthorizedAccess:EC2/MetadataDNSRebind";

    private static readonly IpAddressKey MetadataIPv4 = IpAddressKey.FromIPv4(0xA9FEA9FE);
    private static readonly IpAddressKey MetadataIPv6 = ParseKey("fd00:ec2::254");

    public void Inspect(DnsQueryRecord record, string endpointKey, DetectionContext context, List<Finding> findings)
    {
        if (!record.IsQueryNameValid || IsAwsMetadataName(record.NormalizedQueryName))
        {
            return;
        }

        foreach (var answer in record.Answers)
        {
            if (answer.Type is not ("A" or "AAAA") || answer.Rdata is null || !IpAddressKey.TryParse(answer.Rdata, out var address)
                || (address != MetadataIPv4 && address != MetadataIPv6))
            {
                continue;
            }

            var source = record.SourceIds?.Instance ?? record.SourceAddress ?? "(unknown)";
            var template = new FindingTemplate(
                FindingType,
                8.0,
                $"{source} is querying a domain that resolves to the instance metadata service.",
                $"{source} queried {record.NormalizedQueryName}, which resolved to {answer.Rdata}, the address of the instance metadata service. This is how a DNS rebinding attack reaches the metadata service.");
            findings.Add(NetworkFindingFactory.ForDns(
                record, endpointKey, context, template, null, new Dictionary<string, string> { ["answer"] = answer.Rdata }));
            return;
        }
    }

    private static bool IsAwsMetadataName(string name)
    {
        var trimmed = name.AsSpan().TrimEnd('.');
        return trimmed.Equals("instance-data", StringComparison.OrdinalIgnoreCase)
            || trimmed.EndsWith(".internal", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("internal", StringComparison.OrdinalIgnoreCase);
    }

    private static IpAddressKey ParseKey(string text)
    {
        IpAddressKey.TryParse(text, out var key);
        return key;
    }
}
