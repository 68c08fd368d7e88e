using Microsoft.Extensions.Options;
using Vigil.Host.Configuration;
using Vigil.Host.Integrity;
using Vigil.Ingestion.Integrity;
using Vigil.Testing;
using Vigil.Tests.Integrity;

namespace Vigil.Host.Tests.Integrity;

/// <summary>Public keys fetched with CloudTrail's ListPublicKeys from a loopback endpoint that checks each request's signature.</summary>
public sealed class CloudTrailPublicKeyTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly TrailFolder folder = new();
    private readonly TestClock clock = new();
    private readonly HttpClient http = new();
    private CloudTrailStub stub = null!;

    public async Task InitializeAsync() => stub = await CloudTrailStub.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await stub.DisposeAsync();
        folder.Dispose();
    }

    private CloudTrailPublicKeyClient Client(string secretKey = CloudTrailStub.SecretKey, string? sessionToken = null) =>
        new(http, _ => ValueTask.FromResult(new AwsCredentialValues(CloudTrailStub.AccessKey, secretKey, sessionToken)), clock, stub.Endpoint);

    private TrailPublicKeySource KeysFromApi() =>
        new(Options.Create(new VigilHostOptions { Integrity = new IntegritySettings { PublicKeysFromApi = true } }), Client(), clock);

    [Fact]
    public async Task ListPublicKeys_ReadsEveryPage()
    {
        stub.Keys.Add((SigningKey.Primary, TrailFolder.Origin.AddDays(-30), TrailFolder.Origin.AddDays(30)));
        stub.Keys.Add((SigningKey.Secondary, TrailFolder.Origin.AddDays(30), TrailFolder.Origin.AddDays(60)));

        var keys = await Client(sessionToken: "token").ListPublicKeysAsync("eu-west-1", TrailFolder.Origin, clock.Now, CancellationToken.None);

        Assert.Equal([SigningKey.Primary.Fingerprint, SigningKey.Secondary.Fingerprint], keys.Keys.Select(key => key.Fingerprint));
        Assert.Equal(TrailFolder.Origin.AddDays(-30), keys.Keys[0].ValidityStartTime);
        Assert.Equal(TrailFolder.Origin.AddDays(60), keys.Keys[1].ValidityEndTime);
        Assert.Equal(2, stub.Requests.Count);
        Assert.All(stub.Requests, request => Assert.Equal("eu-west-1", request.Region));
        Assert.All(stub.Requests, request => Assert.Equal(TrailFolder.Origin.ToUnixTimeSeconds(), request.StartTime));
    }

    [Fact]
    public async Task WrongSecret_RaisesServiceError()
    {
        var exception = await Assert.ThrowsAsync<CloudTrailApiException>(() => Client("wrong-secret").ListPublicKeysAsync("us-east-1", TrailFolder.Origin, clock.Now, CancellationToken.None));

        Assert.Contains("HTTP 403", exception.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidSignatureException", exception.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task InvalidRegion_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().ListPublicKeysAsync("us-east-1.evil.example", TrailFolder.Origin, clock.Now, CancellationToken.None));
    }

    [Fact]
    public async Task FolderSource_ValidatesWithApiKeys()
    {
        stub.Keys.Add((SigningKey.Secondary, TrailFolder.Origin.AddDays(-30), TrailFolder.Origin.AddDays(30)));
        stub.Keys.Add((SigningKey.Primary, TrailFolder.Origin.AddDays(-30), TrailFolder.Origin.AddDays(30)));
        folder.WriteChain(3);
        var source = await TrailSources.SaveFolderSourceAsync(database, "tenant-api", folder.Root);
        var validator = TrailSources.Validator(database, KeysFromApi(), new RecordingFindingSink(), clock);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Empty(result.Findings);
        Assert.Equal(3, result.Summary!.ValidDigests);
        var (region, startTime, _) = stub.Requests.First();
        Assert.Equal(TrailFolder.Region, region);
        Assert.True(startTime <= folder.Digests[0].Start.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task ApiKeyOutsideValidity_RaisesDigestInvalid()
    {
        stub.Keys.Add((SigningKey.Primary, TrailFolder.Origin.AddDays(10), TrailFolder.Origin.AddDays(30)));
        folder.WriteChain(1);
        var source = await TrailSources.SaveFolderSourceAsync(database, "tenant-api", folder.Root);
        var validator = TrailSources.Validator(database, KeysFromApi(), new RecordingFindingSink(), clock);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("Stealth:S3/CloudTrailDigestInvalid", finding.Type);
        Assert.Contains("public key not found", finding.Service.AdditionalInfo!["verdict"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiFailure_StoresErrorWithoutFindings()
    {
        folder.WriteChain(1);
        var source = await TrailSources.SaveFolderSourceAsync(database, "tenant-api", folder.Root);
        var failing = new TrailPublicKeySource(Options.Create(new VigilHostOptions { Integrity = new IntegritySettings { PublicKeysFromApi = true } }), Client("wrong-secret"), clock);
        var validator = TrailSources.Validator(database, failing, new RecordingFindingSink(), clock);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.Contains("InvalidSignatureException", result.Error, StringComparison.Ordinal);
    }
}
