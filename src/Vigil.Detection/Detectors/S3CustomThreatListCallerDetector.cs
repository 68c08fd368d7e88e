using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// S3 data events from a source IP address contained in one of the tenant's own threat lists. Each
/// call raises exactly one of two types, both severity 8 as in GuardDuty:
/// <list type="bullet">
/// <item>Discovery:S3/MaliciousIPCaller.Custom for an API that lists or reads metadata: a name
/// starting with List or Head, or with Get except GetObject and GetObjectTorrent, which return the
/// object's content (GuardDuty's examples are ListObjects and GetObjectAcl);</item>
/// <item>UnauthorizedAccess:S3/MaliciousIPCaller.Custom for every other API, such as GetObject,
/// PutObject, PutObjectAcl or DeleteObject.</item>
/// </list>
/// Failed calls count too. The finding keeps resource type AccessKey and names the bucket in
/// <c>affectedResources</c> under <c>AWS::S3::Bucket</c>.
/// </summary>
public sealed class S3CustomThreatListCallerDetector : ICloudTrailDetector
{
    public const string DiscoveryFindingType = "Discovery:S3/MaliciousIPCaller.Custom";

    public const string UnauthorizedAccessFindingType = "UnauthorizedAccess:S3/MaliciousIPCaller.Custom";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.UserIdentity is null || !S3Events.IsDataEvent(record) || !context.Intel.TryMatch(record.SourceIpAddress, out var match))
        {
            return;
        }

        var api = record.EventName ?? "(unknown)";
        var bucket = S3Events.BucketName(record);
        var summary = $"S3 API {api} on bucket {bucket ?? "(unknown)"} was invoked from IP address {record.SourceIpAddress}, which is on the custom threat list {match.List.Name} (entry {match.Entry})";
        var template = IsDiscoveryApi(record.EventName)
            ? new FindingTemplate(
                DiscoveryFindingType,
                8.0,
                $"S3 discovery API {api} was invoked from an IP address on a custom threat list.",
                summary + ". The API lists objects or reads metadata, which is typical of an attacker surveying the bucket.")
            : new FindingTemplate(
                UnauthorizedAccessFindingType,
                8.0,
                $"S3 API {api} was invoked from an IP address on a custom threat list.",
                summary + ".");
        findings.Add(ApiCallFindingFactory.Create(
            record,
            principalKey,
            context,
            template,
            ThreatListEvidence.For(match),
            S3Events.AffectedBucket(bucket),
            ThreatListEvidence.AdditionalInfo(match)));
    }

    /// <summary>True for an S3 API that lists objects or reads metadata without returning object content.</summary>
    public static bool IsDiscoveryApi(string? eventName)
    {
        if (string.IsNullOrEmpty(eventName) || eventName is "GetObject" or "GetObjectTorrent")
        {
            return false;
        }

        return CustomThreatListCallerDetector.StartsWithWord(eventName, "List")
            || CustomThreatListCallerDetector.StartsWithWord(eventName, "Head")
            || CustomThreatListCallerDetector.StartsWithWord(eventName, "Get");
    }
}
