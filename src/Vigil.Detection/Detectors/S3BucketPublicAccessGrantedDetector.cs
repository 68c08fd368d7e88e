using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// Policy:S3/BucketAnonymousAccessGranted (severity 8) and Policy:S3/BucketPublicAccessGranted
/// (severity 8): a successful PutBucketPolicy or PutBucketAcl that grants access to anyone on the
/// internet, or to every authenticated AWS user. GuardDuty proves this with automated reasoning over
/// the bucket's whole configuration; Vigil checks the grants of the one request, as
/// <see cref="S3BucketExposure"/> describes. One event raises at most one of the two types, the wider.
/// </summary>
public sealed class S3BucketPublicAccessGrantedDetector : ICloudTrailDetector
{
    public const string AnonymousFindingType = "Policy:S3/BucketAnonymousAccessGranted";

    public const string PublicFindingType = "Policy:S3/BucketPublicAccessGranted";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.EventSource != S3Events.EventSource || !record.Succeeded)
        {
            return;
        }

        var exposure = record.EventName switch
        {
            "PutBucketPolicy" => S3BucketExposure.FromPolicyRequest(record.RequestParametersJson),
            "PutBucketAcl" => S3BucketExposure.FromAclRequest(record.RequestParametersJson),
            _ => BucketExposure.None,
        };
        if (exposure.Level == BucketExposureLevel.None)
        {
            return;
        }

        var bucket = S3Events.BucketName(record);
        var shownBucket = bucket ?? "(unknown)";
        var user = ApiCallFindingFactory.UserNameOf(record.UserIdentity) ?? "(unknown)";
        var actor = $"{record.UserIdentity?.Type ?? "A principal"} {user}";
        var template = exposure.Level == BucketExposureLevel.Anonymous
            ? new FindingTemplate(
                AnonymousFindingType,
                8.0,
                $"S3 bucket {shownBucket} was opened to anonymous access from the internet.",
                $"{actor} called {record.EventName} on S3 bucket {shownBucket}, and {exposure.Reason} grants access to anyone on the internet.")
            : new FindingTemplate(
                PublicFindingType,
                8.0,
                $"S3 bucket {shownBucket} was opened to all authenticated AWS users.",
                $"{actor} called {record.EventName} on S3 bucket {shownBucket}, and {exposure.Reason} grants access to every authenticated AWS user in any account.");
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template, affectedResources: S3Events.AffectedBucket(bucket)));
    }
}
