using Vigil.Contracts.Findings;
using Vigil.Detection.Intel;

namespace Vigil.Detection.Findings;

/// <summary>Builds the evidence and additional info that name the threat list and the entry an address matched.</summary>
public static class ThreatListEvidence
{
    public static FindingEvidence For(ThreatMatch match) => new()
    {
        ThreatIntelligenceDetails =
        [
            new ThreatIntelligenceDetail { ThreatListName = match.List.Name, ThreatNames = [match.Entry], ThreatFileSha256 = match.List.Sha256 },
        ],
    };

    /// <summary>Returns <c>threatListName</c>, the field GuardDuty puts in <c>service.additionalInfo</c> for list matches.</summary>
    public static Dictionary<string, string> AdditionalInfo(ThreatMatch match) => new() { ["threatListName"] = match.List.Name };
}
