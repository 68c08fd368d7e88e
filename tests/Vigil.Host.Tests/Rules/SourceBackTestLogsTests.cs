using Amazon.S3;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Host.Sources;
using Vigil.Host.Tests.Integrity;
using Vigil.Testing;

namespace Vigil.Host.Tests.Rules;

/// <summary>Back-tests list the objects of a tenant's S3 sources on the local S3-compatible server, newest first, without digest files.</summary>
public sealed class SourceBackTestLogsTests : IAsyncLifetime
{
    private const string Tenant = "tenant-backtest";
    private const string Bucket = "backtest-logs";

    private readonly InMemorySourceStore sources = new();
    private AwsLocal aws = null!;
    private AmazonS3Client s3 = null!;

    public SourceBackTestLogsTests()
    {
        foreach (var (name, value) in AwsLocal.HostEnvironment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public async Task InitializeAsync()
    {
        aws = await AwsLocal.StartAsync([Bucket], [], []);
        s3 = aws.S3Client();
    }

    public async Task DisposeAsync()
    {
        s3.Dispose();
        await aws.DisposeAsync();
    }

    [Fact]
    public async Task S3Source_ListsNewestLogObjects()
    {
        await TrailSources.PutAsync(s3, Bucket, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05/a.json", "{\"Records\":[]}"u8.ToArray());
        await TrailSources.PutAsync(s3, Bucket, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/05/d.json.gz", TrailSources.Gzip("{}"u8.ToArray()));
        await TrailSources.PutAsync(s3, Bucket, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05/b.json", "{\"Records\":[{}]}"u8.ToArray());
        await TrailSources.PutAsync(s3, Bucket, "elsewhere/c.json", "{}"u8.ToArray());
        await SaveAsync(Bucket, "AWSLogs/");
        await SaveAsync("no-such-bucket", "");
        using var logs = new SourceBackTestLogs(sources);

        var listing = await logs.ListAsync(Tenant, 10, CancellationToken.None);

        Assert.Equal(
            [$"s3://{Bucket}/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05/a.json", $"s3://{Bucket}/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05/b.json"],
            listing.Objects.Select(item => item.Name).Order(StringComparer.Ordinal));
        var error = Assert.Single(listing.Errors);
        Assert.StartsWith("s3://no-such-bucket/: listing failed", error, StringComparison.Ordinal);
        var b = listing.Objects.Single(item => item.Name.EndsWith("b.json", StringComparison.Ordinal));
        await using var content = await b.OpenAsync(CancellationToken.None);
        Assert.Equal("{\"Records\":[{}]}", await new StreamReader(content).ReadToEndAsync());
    }

    [Fact]
    public async Task S3Source_KeepsMaxObjects()
    {
        for (var index = 0; index < 5; index++)
        {
            await TrailSources.PutAsync(s3, Bucket, $"logs/{index}.json", "{\"Records\":[]}"u8.ToArray());
        }

        await SaveAsync(Bucket, "logs/");
        using var logs = new SourceBackTestLogs(sources);

        var listing = await logs.ListAsync(Tenant, 3, CancellationToken.None);

        Assert.Equal(3, listing.Objects.Count);
        Assert.Empty(listing.Errors);
    }

    private Task SaveAsync(string bucket, string prefix) => sources.SaveAsync(
        new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = Tenant,
            Name = bucket + "/" + prefix,
            Kind = SourceKind.S3Listing,
            Bucket = bucket,
            Prefix = prefix,
            Region = AwsLocal.Region,
            ServiceUrl = aws.S3Endpoint.ToString(),
            UpdatedAt = DateTimeOffset.UnixEpoch,
            UpdatedBy = "test",
        },
        CancellationToken.None);
}
