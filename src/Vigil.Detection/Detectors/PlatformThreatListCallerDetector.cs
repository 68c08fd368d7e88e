using System.Collections.Frozen;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Detectors;

/// <summary>
/// API calls from a source IP address on the platform lists. An address on a list of purpose
/// malicious-ip or command-and-control raises one MaliciousIPCaller type, and an address on a Tor list
/// one TorIPCaller type; an address on both raises one of each. Failed calls count too.
/// <list type="bullet">
/// <item>Management events: Recon:IAMUser/MaliciousIPCaller or Recon:IAMUser/TorIPCaller (5) for a
/// reconnaissance API (<see cref="CustomThreatListCallerDetector.IsReconApi"/>), otherwise
/// UnauthorizedAccess:IAMUser/MaliciousIPCaller or UnauthorizedAccess:IAMUser/TorIPCaller (5).</item>
/// <item>S3 data events from a malicious address: Discovery:S3/MaliciousIPCaller (8) for a listing or
/// metadata API, Exfiltration:S3/MaliciousIPCaller (8) for an API that reads or copies object content,
/// Impact:S3/MaliciousIPCaller (8) for every other API (writes, deletes, ACL changes, restores).</item>
/// <item>S3 data events from a Tor node: Discovery:S3/TorIPCaller (5) for a listing or metadata API,
/// UnauthorizedAccess:S3/TorIPCaller (8) for every other API.</item>
/// </list>
/// </summary>
public sealed class PlatformThreatListCallerDetector : ICloudTrailDetector
{
    public const string ReconMaliciousType = "Recon:IAMUser/MaliciousIPCaller";
    public const string UnauthorizedMaliciousType = "UnauthorizedAccess:IAMUser/MaliciousIPCaller";
    public const string ReconTorType = "Recon:IAMUser/TorIPCaller";
    public const string UnauthorizedTorType = "UnauthorizedAccess:IAMUser/TorIPCaller";
    public const string S3DiscoveryMaliciousType = "Discovery:S3/MaliciousIPCaller";
    public const string S3ExfiltrationMaliciousType = "Exfiltration:S3/MaliciousIPCaller";
    public const string S3ImpactMaliciousType = "Impact:S3/MaliciousIPCaller";
    public const string S3DiscoveryTorType = "Discovery:S3/TorIPCaller";
    public const string S3UnauthorizedTorType = "UnauthorizedAccess:S3/TorIPCaller";

    /// <summary>S3 data APIs that return or copy object content.</summary>
    private static readonly FrozenSet<string> ObjectReadApis = FrozenSet.Create(
        StringComparer.Ordinal, "GetObject", "GetObjectTorrent", "SelectObjectContent", "CopyObject", "UploadPartCopy");

    private static readonly ThreatPurpose[] MaliciousPurposes = [ThreatPurpose.MaliciousIp, ThreatPurpose.CommandAndControl];

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.UserIdentity is null || string.IsNullOrEmpty(record.SourceIpAddress))
        {
            return;
        }

        foreach (var purpose in MaliciousPurposes)
        {
            if (context.Intel.HasPlatformEntries(purpose) && context.Intel.TryMatch(record.SourceIpAddress, purpose, out var match))
            {
                findings.Add(Create(record, principalKey, context, match, tor: false));
                break;
            }
        }

        if (context.Intel.HasPlatformEntries(ThreatPurpose.Tor) && context.Intel.TryMatch(record.SourceIpAddress, ThreatPurpose.Tor, out var torMatch))
        {
            findings.Add(Create(record, principalKey, context, torMatch, tor: true));
        }
    }

    private static Finding Create(CloudTrailEvent record, string principalKey, DetectionContext context, ThreatMatch match, bool tor)
    {
        var api = record.EventName ?? "(unknown)";
        var source = tor ? "a Tor exit node" : "a known malicious IP address";
        var listed = $"{record.SourceIpAddress}, which is on the list {match.List.Name} (entry {match.Entry})";
        var s3 = S3Events.IsDataEvent(record);
        var (type, severity) = tor ? TorType(record, s3) : MaliciousType(record, s3);
        var template = new FindingTemplate(
            type,
            severity,
            s3 ? $"S3 API {api} was invoked from {source}." : $"API {api} was invoked from {source}.",
            s3
                ? $"S3 API {api} on bucket {S3Events.BucketName(record) ?? "(unknown)"} was invoked from IP address {listed}."
                : $"API {api} was invoked from IP address {listed}.");
        return ApiCallFindingFactory.Create(
            record,
            principalKey,
            context,
            template,
            ThreatListEvidence.For(match),
            s3 ? S3Events.AffectedBucket(S3Events.BucketName(record)) : null,
            ThreatListEvidence.AdditionalInfo(match));
    }

    private static (string Type, double Severity) MaliciousType(CloudTrailEvent record, bool s3)
    {
        if (!s3)
        {
            return CustomThreatListCallerDetector.IsReconApi(record.EventName) ? (ReconMaliciousType, 5.0) : (UnauthorizedMaliciousType, 5.0);
        }

        if (S3CustomThreatListCallerDetector.IsDiscoveryApi(record.EventName))
        {
            return (S3DiscoveryMaliciousType, 8.0);
        }

        return record.EventName is not null && ObjectReadApis.Contains(record.EventName) ? (S3ExfiltrationMaliciousType, 8.0) : (S3ImpactMaliciousType, 8.0);
    }

    private static (string Type, double Severity) TorType(CloudTrailEvent record, bool s3)
    {
        if (!s3)
        {
            return CustomThreatListCallerDetector.IsReconApi(record.EventName) ? (ReconTorType, 5.0) : (UnauthorizedTorType, 5.0);
        }

        return S3CustomThreatListCallerDetector.IsDiscoveryApi(record.EventName) ? (S3DiscoveryTorType, 5.0) : (S3UnauthorizedTorType, 8.0);
    }
}
