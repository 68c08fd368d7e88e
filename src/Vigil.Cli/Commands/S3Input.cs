using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Grains.Ingest;

namespace Vigil.Cli.Commands;

/// <summary>
/// An <c>s3://bucket/prefix</c> argument: lists the objects below the prefix page by page and opens
/// each one. Credentials and region come from the standard AWS configuration. With an endpoint URL,
/// the client talks to that S3-compatible store with path-style addressing.
/// </summary>
internal sealed class S3Input : IDisposable
{
    public const string Scheme = "s3://";

    private readonly AmazonS3Client client;

    private S3Input(AmazonS3Client client, string bucket, string prefix)
    {
        this.client = client;
        Bucket = bucket;
        Prefix = prefix;
    }

    public string Bucket { get; }

    public string Prefix { get; }

    public static bool IsS3(string input) => input.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>s3://bucket/prefix</c>; returns null with the reason when the argument names no bucket.</summary>
    public static (S3Input? Input, string? Error) Open(string input, string? endpointUrl)
    {
        var rest = input[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0)
        {
            return (null, $"'{input}' names no bucket; use s3://bucket/prefix.");
        }

        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(endpointUrl))
        {
            config.ServiceURL = endpointUrl;
            config.ForcePathStyle = true;
        }

        return (new S3Input(new AmazonS3Client(config), bucket, prefix), null);
    }

    /// <summary>Lists the keys below the prefix in key order, leaving out folder markers.</summary>
    public async IAsyncEnumerable<string> ListKeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var listed in ListAsync(cancellationToken))
        {
            yield return listed.Key;
        }
    }

    /// <summary>
    /// The objects below the prefix as the ingestor reads them: ledger key <c>s3://bucket/key</c> and
    /// fingerprint size and ETag, the same as the host's S3 sources, so both share ledger rows.
    /// </summary>
    public async IAsyncEnumerable<ObjectToRead> ListObjectsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var listed in ListAsync(cancellationToken))
        {
            var key = listed.Key;
            var eTag = listed.ETag.Trim('"');
            yield return new ObjectToRead($"{Scheme}{Bucket}/{key}", $"{listed.Size ?? 0}:{eTag}", async token =>
            {
                var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key, EtagToMatch = $"\"{eTag}\"" }, token);
                return response.ResponseStream;
            });
        }
    }

    private async IAsyncEnumerable<S3Object> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var listed in page.S3Objects ?? [])
            {
                if (!listed.Key.EndsWith('/') && !string.IsNullOrEmpty(listed.ETag))
                {
                    yield return listed;
                }
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>Opens an object's content; the caller disposes the response.</summary>
    public Task<GetObjectResponse> GetAsync(string key, CancellationToken cancellationToken) =>
        client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key }, cancellationToken);

    public void Dispose() => client.Dispose();
}
