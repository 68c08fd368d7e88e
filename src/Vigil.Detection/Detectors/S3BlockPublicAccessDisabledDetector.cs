using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// Policy:S3/AccountBlockPublicAccessDisabled and Policy:S3/BucketBlockPublicAccessDisabled
/// (severity 2): a successful call that turns off S3 Block Public Access for the account
/// (PutAccountPublicAccessBlock, DeleteAccountPublicAccessBlock) or for one bucket
/// (PutPublicAccessBlock, DeletePublicAccessBlock). A Put counts when any of the four settings
/// (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) is not true,
/// because S3 sets an omitted setting to false. One event does not show whether the setting was
/// on before, so a Put that repeats an already open configuration raises the finding too.
/// </summary>
public sealed class S3BlockPublicAccessDisabledDetector : ICloudTrailDetector
{
    public const string AccountFindingType = "Policy:S3/AccountBlockPublicAccessDisabled";

    public const string BucketFindingType = "Policy:S3/BucketBlockPublicAccessDisabled";

    private const string Configuration = "PublicAccessBlockConfiguration";

    private static readonly string[] Settings = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.EventSource is not (S3Events.EventSource or "s3-control.amazonaws.com") || !record.Succeeded)
        {
            return;
        }

        var (accountLevel, change) = record.EventName switch
        {
            "PutAccountPublicAccessBlock" => (true, DescribePut(record.RequestParametersJson)),
            "DeleteAccountPublicAccessBlock" => (true, "deleted the Block Public Access configuration"),
            "PutPublicAccessBlock" => (false, DescribePut(record.RequestParametersJson)),
            "DeletePublicAccessBlock" => (false, "deleted the Block Public Access configuration"),
            _ => (false, null),
        };
        if (change is null)
        {
            return;
        }

        var user = ApiCallFindingFactory.UserNameOf(record.UserIdentity) ?? "(unknown)";
        var actor = $"{record.UserIdentity?.Type ?? "A principal"} {user}";
        if (accountLevel)
        {
            var template = new FindingTemplate(
                AccountFindingType,
                2.0,
                $"S3 Block Public Access was disabled for account {record.AccountId}.",
                $"{actor} {change} of account {record.AccountId} with {record.EventName}. Bucket policies and ACLs alone now decide whether a bucket is public.");
            findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template));
            return;
        }

        var bucket = S3Events.BucketName(record);
        var bucketTemplate = new FindingTemplate(
            BucketFindingType,
            2.0,
            $"S3 Block Public Access was disabled for bucket {bucket ?? "(unknown)"}.",
            $"{actor} {change} of S3 bucket {bucket ?? "(unknown)"} with {record.EventName}. The bucket's policy and ACLs alone now decide whether it is public.");
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, bucketTemplate, affectedResources: S3Events.AffectedBucket(bucket)));
    }

    /// <summary>
    /// Describes the settings a Put leaves off, or returns null when all four are on or the request
    /// has no <c>PublicAccessBlockConfiguration</c> object at the top level or under <c>publicAccessBlock</c>.
    /// </summary>
    private static string? DescribePut(string? requestParameters)
    {
        string[] path = JsonFields.ValueKindAt(requestParameters, Configuration) == JsonValueKind.Object
            ? [Configuration]
            : ["publicAccessBlock", Configuration];
        if (JsonFields.ValueKindAt(requestParameters, path) != JsonValueKind.Object)
        {
            return null;
        }

        var off = Settings.Where(setting => JsonFields.BooleanAt(requestParameters, [.. path, setting]) != true).ToList();
        return off.Count == 0 ? null : "turned off " + string.Join(", ", off) + " in the Block Public Access configuration";
    }
}
