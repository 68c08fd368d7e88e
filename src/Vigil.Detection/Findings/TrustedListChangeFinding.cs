using Vigil.Contracts.Findings;

namespace Vigil.Detection.Findings;

/// <summary>
/// DefenseEvasion:Detector/TrustedListChanged (severity 5), Vigil's own type in GuardDuty's naming
/// scheme: someone widened a tenant's trusted list, by creating or activating it or by adding
/// entries. Attackers add their own addresses to a trusted list to silence detection (Pacu's
/// <c>guardduty__whitelist_ip</c> module does this to GuardDuty), so every such change is worth a look.
/// Changes that only remove entries or deactivate a list make detection stricter and raise nothing.
/// </summary>
public static class TrustedListChangeFinding
{
    public const string FindingType = "DefenseEvasion:Detector/TrustedListChanged";

    /// <summary>The account shown on the finding: the change is to Vigil's configuration, not to an AWS account.</summary>
    public const string AccountId = "vigil";

    public const string Region = "global";

    /// <summary>Added entries named in the finding; the count covers the rest.</summary>
    public const int MaxEntriesShown = 20;

    /// <summary>Builds one occurrence. The aggregation key is the tenant, the type and the list, so repeated changes to one list raise the count of one finding.</summary>
    public static Finding Create(DetectionContext context, TrustedListChange change)
    {
        var shown = change.AddedEntries.Take(MaxEntriesShown).ToList();
        var what = change.Action switch
        {
            "created" => "created",
            "activated" => "activated",
            _ => "changed",
        };
        var added = change.AddedCount == 0
            ? "no entries were added"
            : $"{change.AddedCount} entries were added ({string.Join(", ", shown)}{(change.AddedCount > shown.Count ? ", …" : "")})";
        var template = new FindingTemplate(
            FindingType,
            5.0,
            $"Trusted list {change.ListName} was {what}.",
            $"{change.Actor} {what} the trusted list {change.ListName} (version {change.Version}); {added}. Addresses and domains on a trusted list raise no findings, so check that every added entry is yours.");
        var info = new Dictionary<string, string>
        {
            ["listName"] = change.ListName,
            ["listVersion"] = change.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["listSha256"] = change.Sha256,
            ["changedBy"] = change.Actor,
            ["change"] = change.Action,
            ["addedCount"] = change.AddedCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["removedCount"] = change.RemovedCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["addedEntries"] = string.Join(", ", shown),
        };
        var action = new FindingAction
        {
            ActionType = "VIGIL_API_CALL",
            AwsApiCallAction = new AwsApiCallAction
            {
                Api = change.Action == "activated" ? "ActivateList" : "ImportList",
                ServiceName = "vigil",
                CallerType = "Vigil user",
                UserAgent = change.Actor,
                AffectedResources = new Dictionary<string, string> { ["Vigil::TrustedList"] = change.ListName },
            },
        };
        var resource = new FindingResource { ResourceType = "Detector" };
        var occurrence = new FindingOccurrence(AccountId, Region, "trusted-list:" + change.ListName, "ACTOR", change.At);
        return FindingFactory.Create(context, template, occurrence, resource, action, null, info);
    }
}

/// <summary>A change that widened a trusted list: who made it, when, and the entries it added.</summary>
public sealed record TrustedListChange(string ListName, int Version, string Sha256, string Actor, string Action, DateTimeOffset At)
{
    /// <summary>The added entries as the list writes them, in list order.</summary>
    public IReadOnlyList<string> AddedEntries { get; init; } = [];

    public int AddedCount => AddedEntries.Count;

    public int RemovedCount { get; init; }
}
