using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>The REST API of sources through the console's real pipeline: cookie sign-in, roles and tenant scoping.</summary>
public sealed class SourceApiTests : IAsyncLifetime
{
    private ConsoleTestServer _server = default!;
    private HttpClient _client = default!;

    public async Task InitializeAsync()
    {
        _server = await ConsoleTestServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CreateFirehose_ReturnsKeyOnce()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);

        var created = await _client.PostAsJsonAsync("/api/v1/sources", new { name = "flows", kind = "Firehose", accountIds = new[] { "111122223333" } });
        var body = await ReadJsonAsync(created);
        var id = body.GetProperty("id").GetGuid();
        var listed = await ReadJsonAsync(await _client.GetAsync("/api/v1/sources"));
        var fetched = await ReadJsonAsync(await _client.GetAsync($"/api/v1/sources/{id}"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/sources/{id}", created.Headers.Location?.OriginalString);
        var accessKey = body.GetProperty("accessKey").GetString()!;
        Assert.StartsWith(SourceAccessKey.Prefix, accessKey, StringComparison.Ordinal);
        Assert.True(body.GetProperty("hasAccessKey").GetBoolean());
        var stored = await _server.Sources.GetAsync(ConsoleComponentTest.TenantId, id, CancellationToken.None);
        Assert.Equal(SourceAccessKey.Hash(accessKey), stored!.AccessKeySha256);
        Assert.Equal(FakeConsoleUserStore.AdminUserName, stored.UpdatedBy);
        Assert.False(fetched.TryGetProperty("accessKey", out _));
        Assert.False(listed[0].TryGetProperty("accessKey", out _));
        Assert.DoesNotContain(stored.AccessKeySha256!, listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateKey_ReplacesKey()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var created = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/sources", new { name = "flows", kind = "Firehose", accountIds = new[] { "111122223333" } }));
        var id = created.GetProperty("id").GetGuid();

        var rotated = await _client.PostAsync($"/api/v1/sources/{id}/rotate-key", null);
        var body = await ReadJsonAsync(rotated);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKey = body.GetProperty("accessKey").GetString()!;
        Assert.NotEqual(created.GetProperty("accessKey").GetString(), newKey);
        var stored = await _server.Sources.GetAsync(ConsoleComponentTest.TenantId, id, CancellationToken.None);
        Assert.Equal(SourceAccessKey.Hash(newKey), stored!.AccessKeySha256);
    }

    [Fact]
    public async Task Create_InvalidFields_ProblemNamesEachField()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);

        var response = await _client.PostAsJsonAsync("/api/v1/sources", new
        {
            name = "",
            kind = "S3Notifications",
            accountIds = new[] { "12345" },
            bucket = "Bad_Bucket",
            region = "useast1",
            queueUrl = "ftp://queue",
        });
        var problem = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = problem.GetProperty("errors");
        Assert.Contains("required", errors.GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("exactly 12 digits", errors.GetProperty("accountIds")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("lower-case letters", errors.GetProperty("bucket")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("region code", errors.GetProperty("region")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not an absolute http or https URL", errors.GetProperty("queueUrl")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await _server.Sources.ListAsync(ConsoleComponentTest.TenantId, CancellationToken.None));
    }

    [Fact]
    public async Task Create_DuplicateName_ProblemNamesName()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var source = new { name = "trail", kind = "S3Listing", accountIds = new[] { "111122223333" }, bucket = "org-trail-logs" };
        await _client.PostAsJsonAsync("/api/v1/sources", source);

        var second = await _client.PostAsJsonAsync("/api/v1/sources", source);
        var problem = await ReadJsonAsync(second);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Contains("already has a source named 'trail'", problem.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ChangesFieldsKeepsKey()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var created = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/sources", new { name = "flows", kind = "Firehose", accountIds = new[] { "111122223333" } }));
        var id = created.GetProperty("id").GetGuid();

        var updated = await _client.PutAsJsonAsync($"/api/v1/sources/{id}", new
        {
            name = "flows renamed",
            kind = "Firehose",
            enabled = false,
            accountIds = new[] { "111122223333", "444455556666" },
            flowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr}",
        });
        var body = await ReadJsonAsync(updated);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.False(body.TryGetProperty("accessKey", out _));
        var stored = await _server.Sources.GetAsync(ConsoleComponentTest.TenantId, id, CancellationToken.None);
        Assert.Equal("flows renamed", stored!.Name);
        Assert.False(stored.Enabled);
        Assert.Equal(["111122223333", "444455556666"], stored.AccountIds);
        Assert.Equal(SourceAccessKey.Hash(created.GetProperty("accessKey").GetString()!), stored.AccessKeySha256);
    }

    [Fact]
    public async Task CommandLineSource_ApiRejectsChanges()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var cli = new SourceDefinition
        {
            Id = CommandLineSource.IdFor(ConsoleComponentTest.TenantId),
            TenantId = ConsoleComponentTest.TenantId,
            Name = CommandLineSource.Name,
            Kind = SourceKind.CommandLine,
            Folder = "/var/log/imports",
            UpdatedAt = DateTimeOffset.UnixEpoch,
            UpdatedBy = "cli:ops",
        };
        await _server.Sources.SaveAsync(cli, CancellationToken.None);

        var created = await _client.PostAsJsonAsync("/api/v1/sources", new { name = "mine", kind = "CommandLine", accountIds = new[] { "111122223333" } });
        var updated = await _client.PutAsJsonAsync($"/api/v1/sources/{cli.Id}", new { name = "renamed", kind = "Folder", folder = "/tmp", accountIds = new[] { "111122223333" } });
        var deleted = await _client.DeleteAsync($"/api/v1/sources/{cli.Id}");

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains("created by the first run of vigil ingest", (await ReadJsonAsync(created)).GetProperty("errors").GetProperty("kind")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, updated.StatusCode);
        Assert.Contains("cannot be edited", (await ReadJsonAsync(updated)).GetProperty("errors").GetProperty("kind")[0].GetString(), StringComparison.Ordinal);
        Assert.True(deleted.IsSuccessStatusCode, deleted.StatusCode.ToString());
        Assert.Null(await _server.Sources.GetAsync(ConsoleComponentTest.TenantId, cli.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Status_ReturnsCounters()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var created = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/sources", new { name = "flows", kind = "Firehose", accountIds = new[] { "111122223333" } }));
        var id = created.GetProperty("id").GetGuid();
        var at = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        await _server.Sources.RecordProgressAsync(new SourceProgress
        {
            TenantId = ConsoleComponentTest.TenantId,
            SourceId = id,
            ObjectsRead = 1,
            RecordsRead = 40,
            RecordsRejected = 3,
            RecordsFromUnregisteredAccounts = 2,
            NewestEventTime = at.AddMinutes(-5),
            Error = "request r-1: 3 records rejected",
            At = at,
        }, CancellationToken.None);

        var status = await ReadJsonAsync(await _client.GetAsync($"/api/v1/sources/{id}/status"));

        Assert.Equal(1, status.GetProperty("objectsRead").GetInt64());
        Assert.Equal(40, status.GetProperty("recordsRead").GetInt64());
        Assert.Equal(3, status.GetProperty("recordsRejected").GetInt64());
        Assert.Equal(2, status.GetProperty("recordsFromUnregisteredAccounts").GetInt64());
        Assert.Equal(300, status.GetProperty("lagSeconds").GetDouble());
        Assert.Equal("request r-1: 3 records rejected", status.GetProperty("lastError").GetString());
    }

    [Fact]
    public async Task OtherTenant_GetsNotFound()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var created = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/sources", new { name = "flows", kind = "Firehose", accountIds = new[] { "111122223333" } }));
        var id = created.GetProperty("id").GetGuid();
        using var other = _server.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleTestServer.PostLoginAsync(other, FakeConsoleUserStore.OtherAdminUserName, FakeConsoleUserStore.Password)).StatusCode);

        var get = await other.GetAsync($"/api/v1/sources/{id}");
        var status = await other.GetAsync($"/api/v1/sources/{id}/status");
        var put = await other.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "taken", kind = "Firehose", accountIds = new[] { "111122223333" } });
        var rotate = await other.PostAsync($"/api/v1/sources/{id}/rotate-key", null);
        var delete = await other.DeleteAsync($"/api/v1/sources/{id}");
        var list = await ReadJsonAsync(await other.GetAsync("/api/v1/sources"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, rotate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(0, list.GetArrayLength());
        var stored = await _server.Sources.GetAsync(ConsoleComponentTest.TenantId, id, CancellationToken.None);
        Assert.Equal("flows", stored!.Name);
        Assert.Equal(created.GetProperty("accessKey").GetString() is { } key ? SourceAccessKey.Hash(key) : null, stored.AccessKeySha256);
    }

    [Fact]
    public async Task Delete_RemovesSource()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var created = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/sources", new { name = "flows", kind = "Firehose", accountIds = new[] { "111122223333" } }));
        var id = created.GetProperty("id").GetGuid();

        var deleted = await _client.DeleteAsync($"/api/v1/sources/{id}");
        var again = await _client.GetAsync($"/api/v1/sources/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Analyst_ReadsButCannotChange()
    {
        await _server.Sources.SaveAsync(new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = ConsoleComponentTest.TenantId,
            Name = "existing",
            Kind = SourceKind.S3Listing,
            Bucket = "trail-bucket",
            AccountIds = ["111122223333"],
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = "admin1",
        }, CancellationToken.None);
        await SignInAsync(FakeConsoleUserStore.UserName);

        var list = await ReadJsonAsync(await _client.GetAsync("/api/v1/sources"));
        var create = await _client.PostAsJsonAsync("/api/v1/sources", new { name = "flows", kind = "Firehose", accountIds = new[] { "111122223333" } });

        Assert.Equal("existing", list[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Single(await _server.Sources.ListAsync(ConsoleComponentTest.TenantId, CancellationToken.None));
    }

    [Fact]
    public async Task LegacyPath_RedirectsToVersionedPath()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var id = Guid.NewGuid();

        var get = await _client.GetAsync($"/api/sources/{id}/status?x=1");
        var post = await _client.PostAsJsonAsync("/api/sources", new { name = "flows" });

        Assert.Equal(HttpStatusCode.PermanentRedirect, get.StatusCode);
        Assert.Equal($"/api/v1/sources/{id}/status?x=1", get.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.PermanentRedirect, post.StatusCode);
        Assert.Equal("/api/v1/sources", post.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task NotSignedIn_Returns401()
    {
        var response = await _client.GetAsync("/api/v1/sources");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task SignInAsync(string userName)
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, userName, FakeConsoleUserStore.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
