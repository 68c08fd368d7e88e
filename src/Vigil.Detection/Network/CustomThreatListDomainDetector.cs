using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Network;

/// <summary>
/// Impact:EC2/MaliciousDomainRequest.Custom (severity 5): an instance queried a domain on one of the
/// tenant's threat lists, or a subdomain of it (matched by whole labels). Queries that a DNS Firewall
/// rule blocked still count, with Blocked set in the finding.
/// </summary>
public sealed class CustomThreatListDomainDetector : IDnsDetector
{
    public const string FindingType = "Impact:EC2/MaliciousDomainRequest.Custom";

    public void Inspect(DnsQueryRecord record, string endpointKey, DetectionContext context, List<Finding> findings)
    {
        if (!record.IsQueryNameValid || !context.Intel.TryMatchDomain(record.NormalizedQueryName, out var match))
        {
            return;
        }

        var source = record.SourceIds?.Instance ?? record.SourceAddress ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            5.0,
            $"{source} is querying a domain on a custom threat list.",
            $"{source} queried {record.NormalizedQueryName}, which is on the custom threat list {match.List.Name} (entry {match.Entry}).");
        findings.Add(NetworkFindingFactory.ForDns(record, endpointKey, context, template, ThreatListEvidence.For(match), ThreatListEvidence.AdditionalInfo(match)));
    }
}
