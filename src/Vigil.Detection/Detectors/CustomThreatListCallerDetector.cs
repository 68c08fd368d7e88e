using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom (severity 5): any API called from a source
/// IP address contained in one of the tenant's own threat lists. The evidence names the list and the entry.
/// </summary>
public sealed class CustomThreatListCallerDetector : ICloudTrailDetector
{
    public const string FindingType = "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.UserIdentity is null || !context.Intel.TryMatch(record.SourceIpAddress, out var match))
        {
            return;
        }

        var api = record.EventName ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            5.0,
            $"API {api} was invoked from an IP address on a custom threat list.",
            $"API {api} was invoked from IP address {record.SourceIpAddress}, which is on the custom threat list {match.List.Name} (entry {match.Entry}).");
        var evidence = new FindingEvidence
        {
            ThreatIntelligenceDetails =
            [
                new ThreatIntelligenceDetail { ThreatListName = match.List.Name, ThreatNames = [match.Entry], ThreatFileSha256 = match.List.Sha256 },
            ],
        };
        var info = new Dictionary<string, string> { ["threatListName"] = match.List.Name };
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template, evidence, additionalInfo: info));
    }
}
