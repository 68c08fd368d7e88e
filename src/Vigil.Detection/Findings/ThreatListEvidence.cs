using Vigil.Contracts.Findings;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

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

    /// <summary>
    /// Returns <c>threatListName</c>, the field GuardDuty puts in <c>service.additionalInfo</c> for list
    /// matches, and Vigil's <c>threatPurpose</c> for platform lists. The list version is not added,
    /// because a replay of list files has none; the evidence's SHA-256 names the content.
    /// </summary>
    public static Dictionary<string, string> AdditionalInfo(ThreatMatch match)
    {
        var info = new Dictionary<string, string> { ["threatListName"] = match.List.Name };
        if (match.List.Purpose != ThreatPurpose.Custom)
        {
            info["threatPurpose"] = ThreatPurposeNames.NameOf(match.List.Purpose);
        }

        return info;
    }
}
