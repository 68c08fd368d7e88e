using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Console.Lists;
using Vigil.Detection.Intel;
using Vigil.Host.Configuration;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Host.Lists;

/// <summary>
/// Reads tenant lists from S3 with the standard AWS configuration (environment, shared files, instance
/// roles), or from the S3-compatible store at <c>Vigil:Lists:S3ServiceUrl</c>. An object larger than the
/// list limit is refused before its body is read, and the body is read no further than the limit.
/// </summary>
public sealed class S3TenantListSourceReader : ITenantListSourceReader, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // Made on first use: without AWS configuration (no region) the client cannot be made at all, and a
    // host whose tenants read no list from S3 must still start.
    private readonly Lazy<AmazonS3Client> client;
    private readonly long maxBytes;

    public S3TenantListSourceReader(ListSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        maxBytes = settings.MaxUploadBytes;
        client = new Lazy<AmazonS3Client>(() => Create(settings), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private static AmazonS3Client Create(ListSettings settings)
    {
        var config = new AmazonS3Config
        {
            // Checksums only where S3 requires them, so S3-compatible stores that know none still work.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(settings.S3Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.S3Region);
        }

        if (!string.IsNullOrEmpty(settings.S3ServiceUrl))
        {
            config.ServiceURL = settings.S3ServiceUrl;
            config.ForcePathStyle = true;
            if (!string.IsNullOrEmpty(settings.S3Region))
            {
                config.AuthenticationRegion = settings.S3Region;
            }
        }

        return new AmazonS3Client(config);
    }

    public async Task<string> ReadAsync(S3ListUrl url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await client.Value.GetObjectAsync(new GetObjectRequest { BucketName = url.Bucket, Key = url.Key }, timeout.Token);
            if (response.ContentLength > maxBytes)
            {
                throw new ListSourceException($"{url} is {response.ContentLength:N0} bytes, more than the limit of {maxBytes:N0} bytes");
            }

            return await ListService.ReadBoundedAsync(response.ResponseStream, maxBytes, timeout.Token)
                ?? throw new ListSourceException($"{url} is larger than the limit of {maxBytes:N0} bytes");
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode is HttpStatusCode.NotFound)
        {
            throw new ListSourceException($"{url} does not exist ({exception.ErrorCode})", exception);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode is HttpStatusCode.Forbidden)
        {
            throw new ListSourceException($"reading {url} was denied ({exception.ErrorCode}); give Vigil's role s3:GetObject on it", exception);
        }
        catch (AmazonServiceException exception)
        {
            throw new ListSourceException($"reading {url} failed: {exception.ErrorCode ?? exception.StatusCode.ToString()}: {exception.Message}", exception);
        }
        catch (AmazonClientException exception)
        {
            throw new ListSourceException($"reading {url} failed: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            throw new ListSourceException($"reading {url} failed: {exception.Message}", exception);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ListSourceException($"reading {url} timed out after {Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose()
    {
        if (client.IsValueCreated)
        {
            client.Value.Dispose();
        }
    }
}
