using System.Collections.Frozen;
using Vigil.Contracts.Events;

namespace Vigil.Detection.Detectors;

/// <summary>Classifies S3 events and reads the bucket they name.</summary>
public static class S3Events
{
    public const string EventSource = "s3.amazonaws.com";

    /// <summary>The <c>affectedResources</c> key for a bucket, as in GuardDuty's AWS_API_CALL action.</summary>
    public const string BucketResourceKey = "AWS::S3::Bucket";

    /// <summary>
    /// Object-level and bucket-listing operations that CloudTrail logs as S3 data events. Used only
    /// for records older than eventVersion 1.06, which carry neither <c>eventCategory</c> nor <c>managementEvent</c>.
    /// </summary>
    private static readonly FrozenSet<string> DataEventNames = FrozenSet.Create(
        StringComparer.Ordinal,
        "AbortMultipartUpload", "CompleteMultipartUpload", "CopyObject", "CreateMultipartUpload", "DeleteObject",
        "DeleteObjects", "DeleteObjectTagging", "GetObject", "GetObjectAcl", "GetObjectAttributes", "GetObjectLegalHold",
        "GetObjectRetention", "GetObjectTagging", "GetObjectTorrent", "HeadBucket", "HeadObject", "ListMultipartUploads",
        "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListParts", "PutObject", "PutObjectAcl", "PutObjectLegalHold",
        "PutObjectRetention", "PutObjectTagging", "RestoreObject", "SelectObjectContent", "UploadPart", "UploadPartCopy");

    /// <summary>
    /// True for an S3 data event: <c>eventCategory</c> Data or <c>managementEvent</c> false, or,
    /// when the record has neither field, an operation CloudTrail logs as a data event.
    /// </summary>
    public static bool IsDataEvent(CloudTrailEvent record)
    {
        if (record.EventSource != EventSource)
        {
            return false;
        }

        if (record.EventCategory is not null)
        {
            return record.EventCategory == "Data";
        }

        if (record.ManagementEvent is not null)
        {
            return record.ManagementEvent == false;
        }

        return record.EventName is not null && DataEventNames.Contains(record.EventName);
    }

    /// <summary>Returns <c>requestParameters.bucketName</c>, or null.</summary>
    public static string? BucketName(CloudTrailEvent record) => JsonFields.TopLevelText(record.RequestParametersJson, "bucketName");

    /// <summary>Returns the <c>affectedResources</c> entry for a bucket, or null when the event names none.</summary>
    public static Dictionary<string, string>? AffectedBucket(string? bucket) =>
        bucket is null ? null : new Dictionary<string, string> { [BucketResourceKey] = bucket };
}
