using System.Text;
using Amazon.S3;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Host.Integrity;
using Vigil.Storage;
using Vigil.Testing;
using Vigil.Tests.Integrity;

namespace Vigil.Host.Tests.Integrity;

/// <summary>
/// Continuous validation of an S3 source against the local S3-compatible server: a trail signed
/// with a test key is uploaded with its digest signatures as S3 user metadata, changed in S3, and
/// validated through the source's own S3 client. Each test has its own server, because the test
/// trail names one fixed bucket.
/// </summary>
public sealed class S3TrailValidationTests : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Tenant = "tenant-s3";

    private readonly PostgresFixture database;
    private readonly TrailFolder folder = new();
    private readonly TestClock clock = new();
    private readonly RecordingFindingSink sink = new();
    private AwsLocal aws = null!;
    private AmazonS3Client s3 = null!;

    public S3TrailValidationTests(PostgresFixture database)
    {
        this.database = database;

        // The validator builds its S3 clients as the host does, from the standard AWS configuration.
        foreach (var (name, value) in AwsLocal.HostEnvironment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public async Task InitializeAsync()
    {
        aws = await AwsLocal.StartAsync([TrailFolder.Bucket], [], []);
        s3 = aws.S3Client();
    }

    public async Task DisposeAsync()
    {
        s3.Dispose();
        await aws.DisposeAsync();
        folder.Dispose();
    }

    private async Task<(SourceDefinition Source, SourceTrailValidator Validator)> UploadTrailAsync(int digests)
    {
        folder.WriteChain(digests);
        folder.WritePrimaryKey();
        await TrailSources.UploadAsync(folder, s3, TrailFolder.Bucket);
        var source = await TrailSources.SaveS3SourceAsync(database, Tenant, aws, TrailFolder.Bucket, $"AWSLogs/{TrailFolder.Account}/CloudTrail/");
        return (source, NewValidator());
    }

    private SourceTrailValidator NewValidator() => TrailSources.Validator(database, TrailSources.KeysFromFile(folder.PublicKeyPath, clock), sink, clock);

    [Fact]
    public async Task IntactTrail_ValidatesEveryDigest()
    {
        var (source, validator) = await UploadTrailAsync(3);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.True(result.Leased);
        Assert.Null(result.Error);
        Assert.Empty(result.Findings);
        Assert.Equal(3, result.Summary!.ValidDigests);
        Assert.Equal(6, result.Summary.ValidLogFiles);
    }

    [Fact]
    public async Task ModifiedLogFile_RaisesModifiedForTenant()
    {
        var (source, validator) = await UploadTrailAsync(2);
        var modified = folder.Digests[0].LogKeys[1];
        await TrailSources.PutAsync(s3, TrailFolder.Bucket, modified, TrailSources.Gzip("""{"Records":[]}"""u8.ToArray()));

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("Stealth:S3/CloudTrailLogFileModified", finding.Type);
        Assert.Equal(modified, finding.Service.AdditionalInfo!["object"]);
        Assert.Equal(TrailFolder.Bucket, finding.Service.AdditionalInfo["bucket"]);
        var written = Assert.Single(sink.Written);
        Assert.Equal(Tenant, written.TenantId);
    }

    [Fact]
    public async Task DeletedLogFile_RaisesDeleted()
    {
        var (source, validator) = await UploadTrailAsync(2);
        await s3.DeleteObjectAsync(TrailFolder.Bucket, folder.Digests[1].LogKeys[0]);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("Stealth:S3/CloudTrailLogFileDeleted", finding.Type);
    }

    [Fact]
    public async Task DeletedDigest_RaisesMissing()
    {
        var (source, validator) = await UploadTrailAsync(3);
        await s3.DeleteObjectAsync(TrailFolder.Bucket, folder.Digests[1].Key);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("Stealth:S3/CloudTrailDigestMissing", finding.Type);
        Assert.Equal(folder.Digests[1].Key, finding.Service.AdditionalInfo!["object"]);
    }

    [Fact]
    public async Task ForgedSignatureMetadata_RaisesInvalid()
    {
        var (source, validator) = await UploadTrailAsync(2);
        var newest = folder.Digests[^1];
        var forged = new Dictionary<string, string> { ["signature"] = SigningKey.Secondary.SignHex("forged"), ["signature-algorithm"] = "SHA256withRSA" };
        await TrailSources.PutAsync(s3, TrailFolder.Bucket, newest.Key, TrailSources.Gzip(newest.Content), forged);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("Stealth:S3/CloudTrailDigestInvalid", finding.Type);
        Assert.Equal(newest.Key, finding.Service.AdditionalInfo!["object"]);
        Assert.Contains("signature verification failed", finding.Service.AdditionalInfo["verdict"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnexplainedBreak_RaisesChainBroken()
    {
        folder.WriteChain(2);
        folder.WriteDigest(folder.Digests[^1].End.AddHours(5), 1, starting: true);
        var (source, validator) = await UploadTrailAsync(0);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("Stealth:S3/CloudTrailDigestChainBroken", finding.Type);
    }

    [Fact]
    public async Task BreakAfterStopLogging_RaisesNothing()
    {
        folder.WriteChain(1);
        folder.WriteDigest(folder.Digests[^1].End.AddHours(1), 1, eventName: "StopLogging");
        folder.WriteDigest(folder.Digests[^1].End.AddHours(5), 1, starting: true);
        var (source, validator) = await UploadTrailAsync(0);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public async Task NewValidatorAfterRestart_DoesNotRaiseAgain()
    {
        var (source, validator) = await UploadTrailAsync(2);
        await s3.DeleteObjectAsync(TrailFolder.Bucket, folder.Digests[0].LogKeys[0]);
        Assert.Single((await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None)).Findings);

        var restarted = NewValidator();
        var again = await restarted.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);
        folder.WriteChain(1);
        await TrailSources.UploadAsync(folder, s3, TrailFolder.Bucket);
        await s3.DeleteObjectAsync(TrailFolder.Bucket, folder.Digests[^1].LogKeys[1]);
        var later = await restarted.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Empty(again.Findings);
        var finding = Assert.Single(later.Findings);
        Assert.Equal(folder.Digests[^1].LogKeys[1], finding.Service.AdditionalInfo!["object"]);
        var state = Assert.Single(await new PostgresTrailIntegrityStore(database.DataSource).ListAsync(Tenant, CancellationToken.None), state => state.SourceId == source.Id);
        Assert.Equal(folder.Digests[^1].End, state.NewestDigestEnd);
        Assert.Equal(2, state.ProblemsRaised);
    }

    [Fact]
    public async Task SourceLeasedElsewhere_IsSkipped()
    {
        var (source, validator) = await UploadTrailAsync(1);
        var store = new PostgresTrailIntegrityStore(database.DataSource);
        Assert.NotNull(await store.TryLeaseAsync(Tenant, source.Id, "other-silo", clock.Now, clock.Now.AddMinutes(10), CancellationToken.None));

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);
        clock.Now = clock.Now.AddMinutes(11);
        var afterExpiry = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.False(result.Leased);
        Assert.True(afterExpiry.Leased);
        Assert.Equal(1, afterExpiry.Summary!.ValidDigests);
    }

    [Fact]
    public async Task MissingBucket_StoresError()
    {
        var source = await TrailSources.SaveS3SourceAsync(database, Tenant, aws, "no-such-bucket");

        var result = await NewValidator().CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.NotNull(result.Error);
        var state = Assert.Single(await new PostgresTrailIntegrityStore(database.DataSource).ListAsync(Tenant, CancellationToken.None), state => state.SourceId == source.Id);
        Assert.Equal(result.Error, state.LastError);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("AWSLogs/", "AWSLogs/")]
    [InlineData("AWSLogs/111122223333/CloudTrail/", "AWSLogs/111122223333/CloudTrail-Digest/")]
    [InlineData("trails/AWSLogs/o-abcdefghij/111122223333/CloudTrail/us-east-1/", "trails/AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/us-east-1/")]
    [InlineData("logs/CloudTrailArchive/", "logs/CloudTrailArchive/")]
    public void DigestPrefix_MapsCloudTrailFolder(string? prefix, string expected)
    {
        Assert.Equal(expected, S3TrailObjectStore.DigestPrefixFor(prefix));
    }
}
