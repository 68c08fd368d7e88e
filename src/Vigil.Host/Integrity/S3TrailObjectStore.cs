using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Host.Sources;
using Vigil.Ingestion.Integrity;

namespace Vigil.Host.Integrity;

/// <summary>
/// The objects of a trail's S3 bucket, read with the S3 client of an S3 source: digest keys listed
/// with <c>ListObjectsV2</c>, objects read with <c>GetObject</c>, and a digest's own signature read
/// from its user metadata with <c>HeadObject</c>.
/// </summary>
public sealed class S3TrailObjectStore(IAmazonS3 client, string bucket, string digestPrefix) : ITrailObjectStore
{
    /// <summary>Most keys one listing returns. About 8,800 digests a year are delivered per trail, account and Region.</summary>
    public const int MaxListedKeys = 1_000_000;

    private const string HeaderPrefix = "x-amz-meta-";

    public string Bucket => bucket;

    public string DigestPrefix => digestPrefix;

    /// <summary>
    /// Returns the prefix below which the digests of a source's log files lie. A source prefix that
    /// names the <c>CloudTrail</c> folder of the key layout (<c>AWSLogs/111122223333/CloudTrail/</c>)
    /// maps to its sibling <c>CloudTrail-Digest</c> folder; any other prefix is listed as it is.
    /// </summary>
    public static string DigestPrefixFor(string? sourcePrefix)
    {
        if (string.IsNullOrEmpty(sourcePrefix))
        {
            return "";
        }

        var segments = sourcePrefix.Split('/');
        var index = Array.IndexOf(segments, "CloudTrail");
        if (index < 0)
        {
            return sourcePrefix;
        }

        segments[index] = "CloudTrail-Digest";
        return string.Join('/', segments);
    }

    public async Task<IReadOnlyList<string>> ListDigestKeysAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = digestPrefix };
        var listed = 0;
        do
        {
            var response = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in response.S3Objects ?? [])
            {
                listed++;
                if (item.Key.Contains("CloudTrail-Digest", StringComparison.Ordinal))
                {
                    keys.Add(item.Key);
                }
            }

            if (listed > MaxListedKeys)
            {
                throw new InvalidDataException(
                    $"Listing s3://{bucket}/{digestPrefix} returned more than {MaxListedKeys} keys; give the source a prefix that names the trail's AWSLogs/<account>/CloudTrail/ folder.");
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (!string.IsNullOrEmpty(request.ContinuationToken));

        return keys;
    }

    public async Task<Stream?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
            return new S3ObjectOpener.ResponseStream(response);
        }
        catch (AmazonS3Exception exception) when (IsMissing(exception))
        {
            return null;
        }
    }

    public async Task<IReadOnlyDictionary<string, string>?> ReadUserMetadataAsync(string key, CancellationToken cancellationToken)
    {
        GetObjectMetadataResponse response;
        try
        {
            response = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (IsMissing(exception))
        {
            return null;
        }

        if (response.Metadata.Count == 0)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in response.Metadata.Keys)
        {
            var lower = name.ToLowerInvariant();
            values[lower.StartsWith(HeaderPrefix, StringComparison.Ordinal) ? lower[HeaderPrefix.Length..] : lower] = response.Metadata[name];
        }

        return values;
    }

    private static bool IsMissing(AmazonS3Exception exception) =>
        exception.StatusCode == HttpStatusCode.NotFound || string.Equals(exception.ErrorCode, "NoSuchKey", StringComparison.Ordinal);
}
