using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Network;

/// <summary>
/// DNS findings from the platform lists: a query for a listed domain, or a subdomain of it (whole
/// labels), raises the type of the list's purpose. Trojan:EC2/BlackholeTraffic!DNS also fires when an
/// answer of the query is an address on a blackhole list. Queries that a DNS Firewall rule blocked
/// still count, with Blocked set in the finding.
/// </summary>
public sealed class PlatformThreatListDomainDetector : IDnsDetector
{
    public const string CommandAndControlType = "Backdoor:EC2/C&CActivity.B!DNS";
    public const string BitcoinToolType = "CryptoCurrency:EC2/BitcoinTool.B!DNS";
    public const string BlackholeType = "Trojan:EC2/BlackholeTraffic!DNS";
    public const string DgaType = "Trojan:EC2/DGADomainRequest.C!DNS";
    public const string DriveByType = "Trojan:EC2/DriveBySourceTraffic!DNS";
    public const string DropPointType = "Trojan:EC2/DropPoint!DNS";
    public const string PhishingType = "Trojan:EC2/PhishingDomainRequest!DNS";

    private static readonly (ThreatPurpose Purpose, string Type, double Severity, string What)[] Types =
    [
        (ThreatPurpose.CommandAndControl, CommandAndControlType, 8.0, "a known command-and-control server"),
        (ThreatPurpose.CryptoMining, BitcoinToolType, 8.0, "a domain associated with cryptocurrency activity"),
        (ThreatPurpose.Blackhole, BlackholeType, 5.0, "a domain that leads to a black-hole address"),
        (ThreatPurpose.DgaDomain, DgaType, 8.0, "a domain made by a known domain generation algorithm"),
        (ThreatPurpose.DriveBySource, DriveByType, 8.0, "a domain known to serve drive-by downloads"),
        (ThreatPurpose.DropPoint, DropPointType, 5.0, "a known drop point for stolen credentials or data"),
        (ThreatPurpose.Phishing, PhishingType, 8.0, "a phishing domain"),
    ];

    public void Inspect(DnsQueryRecord record, string endpointKey, DetectionContext context, List<Finding> findings)
    {
        if (!record.IsQueryNameValid)
        {
            return;
        }

        foreach (var (purpose, type, severity, what) in Types)
        {
            if (!context.Intel.HasPlatformEntries(purpose))
            {
                continue;
            }

            if (context.Intel.TryMatchDomain(record.NormalizedQueryName, purpose, out var match))
            {
                Add(record, endpointKey, context, type, severity, what, match, findings, null);
            }
            else if (purpose == ThreatPurpose.Blackhole && TryMatchAnswer(record, context.Intel, out match, out var answer))
            {
                Add(record, endpointKey, context, type, severity, what, match, findings, answer);
            }
        }
    }

    private static bool TryMatchAnswer(DnsQueryRecord record, ThreatIntelSnapshot intel, out ThreatMatch match, out string answer)
    {
        foreach (var item in record.Answers)
        {
            if (item.Type is "A" or "AAAA" && intel.TryMatch(item.Rdata, ThreatPurpose.Blackhole, out match))
            {
                answer = item.Rdata!;
                return true;
            }
        }

        match = default;
        answer = "";
        return false;
    }

    private static void Add(
        DnsQueryRecord record, string endpointKey, DetectionContext context, string type, double severity, string what, ThreatMatch match, List<Finding> findings, string? answer)
    {
        var source = record.SourceIds?.Instance ?? record.SourceAddress ?? "(unknown)";
        var because = answer is null
            ? $"which is on the list {match.List.Name} (entry {match.Entry})"
            : $"which resolved to {answer}, on the list {match.List.Name} (entry {match.Entry})";
        var template = new FindingTemplate(
            type,
            severity,
            $"{source} is querying {what}.",
            $"{source} queried {record.NormalizedQueryName}, {because}.");
        var info = ThreatListEvidence.AdditionalInfo(match);
        if (answer is not null)
        {
            info["answer"] = answer;
        }

        findings.Add(NetworkFindingFactory.ForDns(record, endpointKey, context, template, ThreatListEvidence.For(match), info));
    }
}
