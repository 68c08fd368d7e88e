using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Vigil.Contracts.Storage;

namespace Vigil.Host.Sources;

/// <summary>
/// Builds the S3 and SQS clients of a source. Credentials, and the region when the source names
/// none, come from the standard AWS configuration (environment, shared files, instance roles).
/// A source with a service URL talks to that S3-compatible store with path-style addressing, and
/// then the SQS client talks to the host of the queue URL.
/// </summary>
public static class AwsClients
{
    public static AmazonS3Client S3(SourceDefinition source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var config = new AmazonS3Config
        {
            // Checksums only where S3 requires them, so S3-compatible stores that know none still work.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(source.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(source.Region);
        }

        if (!string.IsNullOrEmpty(source.ServiceUrl))
        {
            config.ServiceURL = source.ServiceUrl;
            config.ForcePathStyle = true;
            if (!string.IsNullOrEmpty(source.Region))
            {
                config.AuthenticationRegion = source.Region;
            }
        }

        return new AmazonS3Client(config);
    }

    public static AmazonSQSClient Sqs(SourceDefinition source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var config = new AmazonSQSConfig();
        if (!string.IsNullOrEmpty(source.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(source.Region);
        }

        if (!string.IsNullOrEmpty(source.ServiceUrl) && Uri.TryCreate(source.QueueUrl, UriKind.Absolute, out var queue))
        {
            config.ServiceURL = queue.GetLeftPart(UriPartial.Authority);
            if (!string.IsNullOrEmpty(source.Region))
            {
                config.AuthenticationRegion = source.Region;
            }
        }

        return new AmazonSQSClient(config);
    }

    /// <summary>The ledger key of an S3 object.</summary>
    public static string LedgerKey(string bucket, string key) => $"s3://{bucket}/{key}";

    /// <summary>The fingerprint of an S3 object: size and ETag (without quotes).</summary>
    public static string Fingerprint(long size, string eTag) => $"{size}:{eTag.Trim('"')}";
}
