using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Contracts.Storage;

namespace Vigil.Export;

/// <summary>
/// Writes a batch as gzip JSON Lines objects in GuardDuty's export layout,
/// <c>[prefix/]AWSLogs/ACCOUNT/GuardDuty/REGION/YYYY/MM/DD/UUID.jsonl.gz</c>, one object per
/// account and Region of the batch. The UUID comes from the batch key, so a retried batch
/// overwrites its objects instead of adding copies.
/// </summary>
public sealed class S3Sender(Func<ExportDestination, IAmazonS3> clients, TimeProvider clock) : IExportSender
{
    public ExportDestinationKind Kind => ExportDestinationKind.S3;

    /// <summary>Makes an S3 client from the destination's Region and endpoint, with the standard AWS credentials.</summary>
    public static IAmazonS3 DefaultClient(ExportDestination destination)
    {
        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(destination.Region))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(destination.Region);
        }

        if (!string.IsNullOrEmpty(destination.EndpointUrl))
        {
            config.ServiceURL = destination.EndpointUrl;
            config.ForcePathStyle = true;
            if (!string.IsNullOrEmpty(destination.Region))
            {
                config.AuthenticationRegion = destination.Region;
            }
        }

        return new AmazonS3Client(config);
    }

    /// <summary>Returns the object key of one account and Region of a batch written at <paramref name="at"/>.</summary>
    public static string ObjectKey(string? prefix, string accountId, string region, DateTimeOffset at, string batchKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(batchKey + "\n" + accountId + "\n" + region));
        var name = new Guid(hash.AsSpan(0, 16)).ToString();
        var start = string.IsNullOrEmpty(prefix) ? string.Empty : prefix.TrimEnd('/') + "/";
        return $"{start}AWSLogs/{accountId}/GuardDuty/{region}/{at.UtcDateTime.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture)}/{name}.jsonl.gz";
    }

    public async Task<ExportSendResult> SendAsync(LeasedExportDestination destination, IReadOnlyList<ExportDocument> documents, string batchKey, CancellationToken cancellationToken)
    {
        var settings = destination.Destination;
        if (string.IsNullOrEmpty(settings.Bucket))
        {
            return new ExportSendResult(0, "the S3 destination has no bucket", Retryable: false);
        }

        var now = clock.GetUtcNow();
        using var s3 = clients(settings);
        try
        {
            foreach (var group in documents.GroupBy(document => (document.Finding.AccountId, document.Finding.Region)))
            {
                var request = new PutObjectRequest
                {
                    BucketName = settings.Bucket,
                    Key = ObjectKey(settings.Prefix, group.Key.AccountId, group.Key.Region, now, batchKey),
                    InputStream = new MemoryStream(GzipLines(group)),
                    ContentType = "application/gzip",

                    // The body is in memory, so it is signed whole; S3-compatible stores such as
                    // s3rver do not read the aws-chunked encoding.
                    UseChunkEncoding = false,
                };
                await s3.PutObjectAsync(request, cancellationToken);
            }
        }
        catch (AmazonServiceException exception)
        {
            // Objects of groups written before the failure are written again by the next try, under the
            // same keys. A missing bucket or a denied write is retried too, because an operator fixes
            // those outside Vigil; only a malformed request (400) is given up at once.
            var retryable = (int)exception.StatusCode != 400;
            return new ExportSendResult(0, $"writing to bucket {settings.Bucket} failed: {exception.Message}", retryable);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or AmazonClientException)
        {
            return new ExportSendResult(0, $"writing to bucket {settings.Bucket} failed: {exception.Message}");
        }

        return new ExportSendResult(documents.Count);
    }

    private static byte[] GzipLines(IEnumerable<ExportDocument> documents)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var document in documents)
            {
                gzip.Write(Encoding.UTF8.GetBytes(document.Body));
                gzip.WriteByte((byte)'\n');
            }
        }

        return buffer.ToArray();
    }
}
