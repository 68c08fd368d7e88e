using System.IO.Compression;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Export.Tests.Support;
using Vigil.Testing;

namespace Vigil.Export.Tests;

/// <summary>The local S3-compatible server (s3rver) of tests/tools/aws-local.js and a database for one test class.</summary>
public sealed class S3ExportFixture : IAsyncLifetime
{
    public const string Bucket = "findings-export";

    public PostgresFixture Database { get; } = new();

    internal AwsLocal Aws { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Aws = await AwsLocal.StartAsync([Bucket], [], []);
    }

    public async Task DisposeAsync()
    {
        await Aws.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Findings written to an S3-compatible server in GuardDuty's export layout.</summary>
public sealed class S3ExportTests(S3ExportFixture fixture) : IClassFixture<S3ExportFixture>
{
    private const string FindingA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string FindingB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string FindingC = "cccccccccccccccccccccccccccccccc";

    [Fact]
    public async Task NewFindings_GzipJsonLinesPerAccountAndRegion()
    {
        using var harness = NewHarness();
        var prefix = "export-" + harness.TenantId;
        await AddS3Async(harness, prefix, ExportDocumentFormat.Ocsf);

        await harness.WriteAsync(FindingA, "111122223333", "us-east-1");
        await harness.WriteAsync(FindingB, "111122223333", "us-east-1");
        await harness.WriteAsync(FindingC, "444455556666", "eu-west-1");
        await harness.RunAsync();

        using var s3 = fixture.Aws.S3Client();
        var keys = await ListKeysAsync(s3, prefix);
        Assert.Equal(2, keys.Count);
        var day = harness.Clock.GetUtcNow().UtcDateTime.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches($"^{prefix}/AWSLogs/111122223333/GuardDuty/us-east-1/{day}/[0-9a-f-]{{36}}\\.jsonl\\.gz$", keys.Single(key => key.Contains("111122223333", StringComparison.Ordinal)));
        Assert.Matches($"^{prefix}/AWSLogs/444455556666/GuardDuty/eu-west-1/{day}/[0-9a-f-]{{36}}\\.jsonl\\.gz$", keys.Single(key => key.Contains("444455556666", StringComparison.Ordinal)));
        var lines = await ReadLinesAsync(s3, keys.Single(key => key.Contains("111122223333", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count);
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(2004, document.RootElement.GetProperty("class_uid").GetInt32());
            Assert.Equal(1, document.RootElement.GetProperty("activity_id").GetInt32());
        }

        Assert.Contains(lines, line => line.Contains(FindingA, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains(FindingB, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Updates_EventBridgeObjectAfterInterval()
    {
        using var harness = NewHarness();
        var prefix = "updates-" + harness.TenantId;
        await AddS3Async(harness, prefix, ExportDocumentFormat.EventBridge);
        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        await harness.WriteAsync(FindingA);
        harness.Clock.Advance(TimeSpan.FromMinutes(16));
        await harness.RunAsync();

        using var s3 = fixture.Aws.S3Client();
        var keys = await ListKeysAsync(s3, prefix);
        Assert.Equal(2, keys.Count);
        var counts = new List<long>();
        foreach (var key in keys)
        {
            var line = Assert.Single(await ReadLinesAsync(s3, key));
            using var document = JsonDocument.Parse(line);
            Assert.Equal("GuardDuty Finding", document.RootElement.GetProperty("detail-type").GetString());
            counts.Add(document.RootElement.GetProperty("detail").GetProperty("service").GetProperty("count").GetInt64());
        }

        Assert.Equal([1L, 2L], counts.Order());
    }

    [Fact]
    public async Task MissingBucket_RetriedThenSent()
    {
        using var harness = NewHarness();
        var bucket = "missing-" + harness.TenantId[7..];
        var destination = await harness.AddDestinationAsync(S3Destination(bucket, "p", ExportDocumentFormat.Ocsf));
        await harness.WriteAsync(FindingA);
        using var s3 = fixture.Aws.S3Client();

        await harness.RunAsync();
        var failed = await harness.Store.GetAsync(harness.TenantId, destination.Id, CancellationToken.None);
        await s3.PutBucketAsync(bucket);
        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        await harness.RunAsync();

        Assert.Equal(1, failed!.State.Attempts);
        Assert.Contains(bucket, failed.State.LastError, StringComparison.Ordinal);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Single(listing.S3Objects ?? []);
        Assert.Empty(await harness.Store.ListDeadLettersAsync(harness.TenantId, 10, CancellationToken.None));
    }

    private ExportHarness NewHarness() =>
        new(fixture.Database.DataSource, new S3Sender(_ => fixture.Aws.S3Client(), TimeProvider.System));

    private static Task<ExportDestination> AddS3Async(ExportHarness harness, string prefix, ExportDocumentFormat format) =>
        harness.AddDestinationAsync(S3Destination(S3ExportFixture.Bucket, prefix, format));

    private static ExportDestination S3Destination(string bucket, string prefix, ExportDocumentFormat format) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = "",
        Name = "archive",
        Kind = ExportDestinationKind.S3,
        Format = format,
        Bucket = bucket,
        Prefix = prefix,
        Region = AwsLocal.Region,
        UpdatedAt = default,
        UpdatedBy = "",
    };

    private static async Task<List<string>> ListKeysAsync(IAmazonS3 s3, string prefix)
    {
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3ExportFixture.Bucket, Prefix = prefix + "/" });
        return [.. (listing.S3Objects ?? []).Select(item => item.Key)];
    }

    private static async Task<List<string>> ReadLinesAsync(IAmazonS3 s3, string key)
    {
        using var response = await s3.GetObjectAsync(S3ExportFixture.Bucket, key);
        await using var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
