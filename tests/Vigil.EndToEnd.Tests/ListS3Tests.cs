using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3.Model;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Tenant lists read from the local S3-compatible server (s3rver) through the running host's API, and
/// refreshed on their schedule: new content, then a missing object that sets status error.
/// </summary>
public sealed class ListS3Tests(S3ListsFixture fixture) : IClassFixture<S3ListsFixture>
{
    [Fact]
    public async Task FromS3_ReadsNowThenRefreshesAndReportsFailedFetch()
    {
        var key = "lists/" + Guid.NewGuid().ToString("N") + ".txt";
        var name = "s3-" + Guid.NewGuid().ToString("N")[..8];
        using var s3 = fixture.Aws.S3Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = S3ListsFixture.Bucket, Key = key, ContentBody = "198.51.100.7\nnot-an-address\n", UseChunkEncoding = false });
        using var admin = await ConsoleSession.SignInAsync(fixture.Host.BaseAddress, "admin", S3ListsFixture.AdminPassword);

        using var created = await admin.PostAsJsonAsync("api/v1/lists/from-s3", new { name, format = "txt", kind = "threat", url = $"s3://{S3ListsFixture.Bucket}/{key}", refreshMinutes = 5 });
        var body = await JsonAsync(created);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, body.GetProperty("loaded").GetInt32());
        Assert.Equal(1, body.GetProperty("rejected").GetInt32());
        Assert.Equal($"s3://{S3ListsFixture.Bucket}/{key}", body.GetProperty("list").GetProperty("source").GetString());
        Assert.Equal(5, body.GetProperty("list").GetProperty("refreshMinutes").GetInt32());

        // New content, and the list made due as if its five minutes had passed.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = S3ListsFixture.Bucket, Key = key, ContentBody = "198.51.100.7\n198.51.100.8\n", UseChunkEncoding = false });
        await fixture.MakeDueAsync(name);
        var refreshed = await WaitForListAsync(admin, name, list => list.GetProperty("version").GetInt32() == 2, "version 2 fetched");
        Assert.Equal(2, refreshed.GetProperty("entryCount").GetInt32());

        await s3.DeleteObjectAsync(S3ListsFixture.Bucket, key);
        await fixture.MakeDueAsync(name);
        var failed = await WaitForListAsync(admin, name, list => list.GetProperty("status").GetString() == "error", "status error after the object was deleted");
        Assert.StartsWith("fetch failed: ", failed.GetProperty("statusReason").GetString(), StringComparison.Ordinal);
        Assert.Contains(key, failed.GetProperty("statusReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, failed.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task FromS3_MissingObject_ProblemNamesUrlAndStoresNothing()
    {
        var name = "s3-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = await ConsoleSession.SignInAsync(fixture.Host.BaseAddress, "admin", S3ListsFixture.AdminPassword);

        using var response = await admin.PostAsJsonAsync("api/v1/lists/from-s3", new { name, format = "txt", url = $"s3://{S3ListsFixture.Bucket}/no/such/list.txt" });
        var errors = (await JsonAsync(response)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not exist", errors.GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/v1/lists/{name}")).StatusCode);
    }

    private async Task<JsonElement> WaitForListAsync(HttpClient client, string name, Func<JsonElement, bool> condition, string what)
    {
        // The host checks for due lists every 30 seconds.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement list = default;
        while (DateTime.UtcNow < deadline)
        {
            list = await JsonAsync(await client.GetAsync($"api/v1/lists/{name}"));
            if (condition(list))
            {
                return list;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"Waited 90 s for {what}; the list is {list}. Host output:\n{fixture.Host.Output}");
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}

/// <summary>A host reading lists from the local S3-compatible server, on a fresh database.</summary>
public sealed class S3ListsFixture : IAsyncLifetime
{
    public const string AdminPassword = "e2e-admin-password-1";
    public const string Bucket = "tenant-lists";

    private readonly PostgresFixture database = new();
    private AwsLocal? aws;
    private HostProcess? host;

    internal AwsLocal Aws => aws ?? throw new InvalidOperationException("The fixture is not started.");

    internal HostProcess Host => host ?? throw new InvalidOperationException("The fixture is not started.");

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        aws = await AwsLocal.StartAsync([Bucket], [], []);
        var environment = new Dictionary<string, string>(AwsLocal.HostEnvironment)
        {
            ["Vigil__Lists__S3ServiceUrl"] = aws.S3Endpoint.ToString(),
            ["Vigil__Lists__S3Region"] = AwsLocal.Region,
        };
        host = await HostProcess.StartAsync(database.ConnectionString, null, AdminPassword, environment: environment);
    }

    /// <summary>Moves a list's next fetch to now, as if its refresh interval had passed.</summary>
    public async Task MakeDueAsync(string name)
    {
        await using var command = database.DataSource.CreateCommand("UPDATE threat_lists SET next_fetch_at = now() WHERE name = $1");
        command.Parameters.AddWithValue(name);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (aws is not null)
        {
            await aws.DisposeAsync();
        }

        await database.DisposeAsync();
    }
}
