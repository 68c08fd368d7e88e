using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Host.Tests.Integrity;
using Vigil.Tests.Integrity;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// <c>vigil validate-trail</c> without a key file: the public keys come from <c>ListPublicKeys</c> at a
/// CloudTrail endpoint on 127.0.0.1 that verifies each request's Signature Version 4 signature.
/// The credentials come from the standard AWS environment variables; instance metadata is turned off.
/// </summary>
public sealed class ValidateTrailApiKeysTests : IAsyncLifetime
{
    private readonly TrailFolder folder = new();
    private CloudTrailStub stub = null!;

    public async Task InitializeAsync() => stub = await CloudTrailStub.StartAsync();

    public async Task DisposeAsync()
    {
        await stub.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task ApiKeys_ValidChain_ExitsZero()
    {
        stub.Keys.Add((SigningKey.Primary, TrailFolder.Origin.AddDays(-30), TrailFolder.Origin.AddDays(30)));
        folder.WriteChain(3);

        var result = await CliProcess.RunAsync(Credentials(), "validate-trail", folder.Root, "--endpoint-url", stub.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("3/3 digest files valid", result.Output, StringComparison.Ordinal);
        Assert.Contains($"note: ListPublicKeys in {TrailFolder.Region} returned 1 public keys.", result.Error, StringComparison.Ordinal);
        var (region, startTime, _) = Assert.Single(stub.Requests);
        Assert.Equal(TrailFolder.Region, region);
        Assert.Equal(TrailFolder.Origin.ToUnixTimeSeconds(), startTime);
    }

    [Fact]
    public async Task ApiKeys_OtherKeyServed_DigestsInvalid()
    {
        stub.Keys.Add((SigningKey.Secondary, TrailFolder.Origin.AddDays(-30), TrailFolder.Origin.AddDays(30)));
        folder.WriteChain(2);

        var result = await CliProcess.RunAsync(Credentials(), "validate-trail", folder.Root, "--endpoint-url", stub.Endpoint.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("2/2 digest files INVALID", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeys_WrongSecret_ReportsServiceError()
    {
        stub.Keys.Add((SigningKey.Primary, TrailFolder.Origin.AddDays(-30), TrailFolder.Origin.AddDays(30)));
        folder.WriteChain(1);

        var result = await CliProcess.RunAsync(Credentials("wrong-secret"), "validate-trail", folder.Root, "--endpoint-url", stub.Endpoint.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("HTTP 403", result.Error, StringComparison.Ordinal);
        Assert.Contains("InvalidSignatureException", result.Error, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task RegionOption_RequestsThatRegion()
    {
        stub.Keys.Add((SigningKey.Primary, TrailFolder.Origin.AddDays(-30), TrailFolder.Origin.AddDays(30)));
        folder.WriteChain(1);

        var result = await CliProcess.RunAsync(Credentials(), "validate-trail", folder.Root, "--endpoint-url", stub.Endpoint.ToString(), "--region", "eu-central-1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("eu-central-1", Assert.Single(stub.Requests).Region);
    }

    [Fact]
    public async Task NoCredentials_ExitsTwo()
    {
        folder.WriteChain(1);
        var environment = Credentials();
        environment["AWS_ACCESS_KEY_ID"] = "";
        environment["AWS_SECRET_ACCESS_KEY"] = "";

        var result = await CliProcess.RunAsync(environment, "validate-trail", folder.Root, "--endpoint-url", stub.Endpoint.ToString());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no --public-keys file and no AWS credentials", result.Error, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task KeyFileWithEndpoint_ExitsTwo()
    {
        folder.WriteChain(1);
        folder.WritePrimaryKey();

        var result = await CliProcess.RunAsync(Credentials(), "validate-trail", folder.Root, "--public-keys", folder.PublicKeyPath, "--endpoint-url", stub.Endpoint.ToString());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("leave them out with --public-keys", result.Error, StringComparison.Ordinal);
    }

    /// <summary>The stub's credentials, and no other source of credentials: no profile files, no instance metadata.</summary>
    private Dictionary<string, string> Credentials(string secretKey = CloudTrailStub.SecretKey)
    {
        var missing = Path.Combine(Path.GetTempPath(), "vigil-no-aws-config-" + Guid.NewGuid().ToString("N"));
        return new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = CloudTrailStub.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secretKey,
            ["AWS_SESSION_TOKEN"] = "",
            ["AWS_SHARED_CREDENTIALS_FILE"] = missing,
            ["AWS_CONFIG_FILE"] = missing,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
    }
}
