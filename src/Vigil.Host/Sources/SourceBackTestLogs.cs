using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Console.Rules;
using Vigil.Contracts.Storage;

namespace Vigil.Host.Sources;

/// <summary>
/// The log objects a rule back-test reads: the files below the tenant's folder sources and the
/// objects of its S3 listing and S3 notification sources, newest first by modification time. Each
/// S3 source is listed with its own client (endpoint, Region, standard AWS credentials), up to
/// <see cref="MaxListedKeysPerSource"/> keys below its prefix; digest files are left out. The S3
/// clients live as long as this object, which the console creates per request or circuit.
/// </summary>
public sealed class SourceBackTestLogs(ISourceStore sources) : IRuleBackTestLogs, IDisposable
{
    /// <summary>Most keys listed per S3 source for one back-test, at 1,000 keys per ListObjectsV2 page.</summary>
    public const int MaxListedKeysPerSource = 100_000;

    private readonly List<AmazonS3Client> clients = [];

    public void Dispose()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        clients.Clear();
    }

    public async Task<StoredLogListing> ListAsync(string tenantId, int maxObjects, CancellationToken cancellationToken)
    {
        var tenantSources = await sources.ListAsync(tenantId, cancellationToken);
        var candidates = new List<(StoredLogObject Object, DateTimeOffset LastModified)>(FolderSourceLogs.ListFolderFiles(tenantSources, maxObjects));
        var errors = new List<string>();
        foreach (var source in tenantSources.Where(source => source.Kind is SourceKind.S3Listing or SourceKind.S3Notifications && !string.IsNullOrEmpty(source.Bucket)))
        {
            try
            {
                candidates.AddRange(await ListS3Async(source, maxObjects, errors, cancellationToken));
            }
            catch (AmazonS3Exception exception)
            {
                errors.Add($"s3://{source.Bucket}/{source.Prefix}: listing failed: {exception.Message}");
            }
        }

        var newest = candidates.OrderByDescending(candidate => candidate.LastModified).Take(maxObjects).Select(candidate => candidate.Object).ToList();
        return new StoredLogListing(newest, errors);
    }

    private async Task<IReadOnlyList<(StoredLogObject, DateTimeOffset)>> ListS3Async(SourceDefinition source, int maxObjects, List<string> errors, CancellationToken cancellationToken)
    {
        var client = AwsClients.S3(source);
        clients.Add(client);
        var bucket = source.Bucket!;
        var newest = new PriorityQueue<(string Key, DateTimeOffset LastModified), DateTimeOffset>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = source.Prefix ?? "" };
        var listed = 0;
        do
        {
            var response = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in response.S3Objects ?? [])
            {
                listed++;
                if (item.Key.Contains("CloudTrail-Digest", StringComparison.Ordinal) || item.Key.EndsWith('/'))
                {
                    continue;
                }

                // The queue keeps the newest maxObjects keys: the oldest is dropped once it is full.
                var modified = item.LastModified is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;
                newest.Enqueue((item.Key, modified), modified);
                if (newest.Count > maxObjects)
                {
                    newest.Dequeue();
                }
            }

            request.ContinuationToken = response.NextContinuationToken;
            if (listed >= MaxListedKeysPerSource && !string.IsNullOrEmpty(request.ContinuationToken))
            {
                errors.Add($"s3://{bucket}/{source.Prefix}: the listing stopped after {MaxListedKeysPerSource} keys, so newer objects after them are not read; give the source a narrower prefix or use 'vigil replay --rules'.");
                break;
            }
        }
        while (!string.IsNullOrEmpty(request.ContinuationToken));

        var objects = new List<(StoredLogObject, DateTimeOffset)>();
        while (newest.TryDequeue(out var entry, out _))
        {
            var key = entry.Key;
            objects.Add((new StoredLogObject($"s3://{bucket}/{key}", async token =>
            {
                var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, token);
                return new S3ObjectOpener.ResponseStream(response);
            }), entry.LastModified));
        }

        return objects;
    }
}
