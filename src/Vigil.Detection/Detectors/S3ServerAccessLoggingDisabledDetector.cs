using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// Stealth:S3/ServerAccessLoggingDisabled (severity 2): a successful PutBucketLogging whose
/// <c>BucketLoggingStatus</c> has no <c>LoggingEnabled</c> object, which is how S3 turns server
/// access logging off. A request without <c>BucketLoggingStatus</c> has an unknown shape and is left out.
/// </summary>
public sealed class S3ServerAccessLoggingDisabledDetector : ICloudTrailDetector
{
    public const string FindingType = "Stealth:S3/ServerAccessLoggingDisabled";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.EventSource != S3Events.EventSource || record.EventName != "PutBucketLogging" || !record.Succeeded)
        {
            return;
        }

        var parameters = record.RequestParametersJson;
        if (JsonFields.ValueKindAt(parameters, "BucketLoggingStatus") == JsonValueKind.Undefined
            || JsonFields.ValueKindAt(parameters, "BucketLoggingStatus", "LoggingEnabled") == JsonValueKind.Object)
        {
            return;
        }

        var bucket = S3Events.BucketName(record);
        var shownBucket = bucket ?? "(unknown)";
        var user = ApiCallFindingFactory.UserNameOf(record.UserIdentity) ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            2.0,
            $"S3 server access logging was disabled for bucket {shownBucket}.",
            $"{record.UserIdentity?.Type ?? "A principal"} {user} turned off server access logging for S3 bucket {shownBucket} with PutBucketLogging. Requests to the bucket are no longer written to its access log, which can be an attempt to hide activity.");
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template, affectedResources: S3Events.AffectedBucket(bucket)));
    }
}
