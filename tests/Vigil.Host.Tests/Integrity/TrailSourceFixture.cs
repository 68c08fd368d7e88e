using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Host.Configuration;
using Vigil.Host.Integrity;
using Vigil.Ingestion.Integrity;
using Vigil.Storage;
using Vigil.Testing;
using Vigil.Tests.Integrity;

namespace Vigil.Host.Tests.Integrity;

/// <summary>A clock the test sets, one day after the test trail's digests unless moved.</summary>
internal sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = TrailFolder.Origin.AddDays(1);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Records the findings stored per tenant, in the order written.</summary>
internal sealed class RecordingFindingSink : IFindingSink
{
    public List<(string TenantId, Finding Finding)> Written { get; } = [];

    public Task WriteAsync(string tenantId, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        Written.AddRange(occurrences.Select(finding => (tenantId, finding)));
        return Task.CompletedTask;
    }

    public Task WriteOnceAsync(string tenantId, string writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken) =>
        WriteAsync(tenantId, occurrences, cancellationToken);
}

/// <summary>Helpers shared by the source validation tests: sources saved in PostgreSQL, trails uploaded to the local S3 server, and validators.</summary>
internal static class TrailSources
{
    public static async Task<SourceDefinition> SaveS3SourceAsync(PostgresFixture database, string tenantId, AwsLocal aws, string bucket, string? prefix = null)
    {
        var source = new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = "trail " + Guid.NewGuid().ToString("N")[..8],
            Kind = SourceKind.S3Listing,
            Bucket = bucket,
            Prefix = prefix,
            Region = AwsLocal.Region,
            ServiceUrl = aws.S3Endpoint.ToString(),
            UpdatedAt = DateTimeOffset.UnixEpoch,
            UpdatedBy = "test",
        };
        await new PostgresSourceStore(database.DataSource).SaveAsync(source, CancellationToken.None);
        return source;
    }

    public static async Task<SourceDefinition> SaveFolderSourceAsync(PostgresFixture database, string tenantId, string folder)
    {
        var source = new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = "folder " + Guid.NewGuid().ToString("N")[..8],
            Kind = SourceKind.Folder,
            Folder = folder,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            UpdatedBy = "test",
        };
        await new PostgresSourceStore(database.DataSource).SaveAsync(source, CancellationToken.None);
        return source;
    }

    /// <summary>Uploads every object of the trail folder, with the digest signature of each sidecar as S3 user metadata, as CloudTrail stores it.</summary>
    public static async Task UploadAsync(TrailFolder folder, IAmazonS3 s3, string bucket)
    {
        foreach (var path in Directory.EnumerateFiles(folder.Root, "*", SearchOption.AllDirectories).Where(path => !path.EndsWith(FolderTrailObjectStore.MetadataSuffix, StringComparison.Ordinal)))
        {
            var key = Path.GetRelativePath(folder.Root, path).Replace(Path.DirectorySeparatorChar, '/');
            var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(await File.ReadAllBytesAsync(path)), UseChunkEncoding = false };
            if (File.Exists(path + FolderTrailObjectStore.MetadataSuffix))
            {
                var metadata = FolderTrailObjectStore.ParseMetadata(await File.ReadAllBytesAsync(path + FolderTrailObjectStore.MetadataSuffix), key);
                foreach (var (name, value) in metadata)
                {
                    request.Metadata[name] = value;
                }
            }

            await s3.PutObjectAsync(request);
        }
    }

    public static Task PutAsync(IAmazonS3 s3, string bucket, string key, byte[] content, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(content), UseChunkEncoding = false };
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            request.Metadata[name] = value;
        }

        return s3.PutObjectAsync(request);
    }

    public static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    public static SourceTrailValidator Validator(PostgresFixture database, TrailPublicKeySource keys, IFindingSink sink, TimeProvider clock) =>
        new(new PostgresTrailIntegrityStore(database.DataSource), keys, sink, new ThreatIntelRegistry(), clock, NullLogger<SourceTrailValidator>.Instance);

    public static TrailPublicKeySource KeysFromFile(string path, TimeProvider clock) =>
        new(Options.Create(new VigilHostOptions { Integrity = new IntegritySettings { PublicKeysFile = path } }), null, clock);
}
