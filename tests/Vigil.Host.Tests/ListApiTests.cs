using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts.Storage;

namespace Vigil.Host.Tests;

/// <summary>
/// /api/v1/lists and /api/v1/platform-lists over real HTTP against the host on PostgreSQL: uploads,
/// invalid lines, versions, roles, tenant scoping, the size limit and the audit log.
/// </summary>
public sealed class ListApiTests(ConsoleApiTestHost host) : IClassFixture<ConsoleApiTestHost>
{
    private const string BadLines = "198.51.100.7\r\n0x7f.0.0.1\r\n# a comment\r\n203.0.113.0/24\r\nnot a domain!\r\n";

    [Fact]
    public async Task Upload_WithBadLines_StoresListAndReportsLines()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
        var name = NewName();

        using var created = await admin.PostAsync("api/v1/lists", Upload(name, BadLines));
        var body = await JsonAsync(created);
        var lines = await JsonAsync(await admin.GetAsync($"api/v1/lists/{name}/invalid-lines"));
        var versions = await JsonAsync(await admin.GetAsync($"api/v1/lists/{name}/versions"));
        var listed = await JsonAsync(await admin.GetAsync("api/v1/lists"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/lists/{name}", created.Headers.Location?.OriginalString);
        Assert.Equal(2, body.GetProperty("loaded").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        Assert.Equal(ListStatus.Activating, body.GetProperty("list").GetProperty("status").GetString());
        Assert.Equal(2, lines.GetProperty("rejectedCount").GetInt32());
        Assert.Equal([2, 5], lines.GetProperty("lines").EnumerateArray().Select(line => line.GetProperty("line").GetInt32()));
        Assert.Equal("0x7f.0.0.1", lines.GetProperty("lines")[0].GetProperty("text").GetString());
        var sha256 = body.GetProperty("list").GetProperty("sha256").GetString();
        Assert.Equal(sha256, versions[0].GetProperty("sha256").GetString());
        Assert.Contains(listed.EnumerateArray(), list => list.GetProperty("name").GetString() == name);
        var audit = await host.Services.GetRequiredService<IAuditLog>().ListAsync(ConsoleApiTestHost.TenantA, new AuditQuery { ObjectType = "list", ObjectId = name }, CancellationToken.None);
        Assert.Equal(ConsoleApiTestHost.AdminA, Assert.Single(audit).Entry.Actor);
    }

    [Fact]
    public async Task Upload_InvalidFields_ProblemNamesEachField()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);

        using var response = await admin.PostAsync("api/v1/lists", Upload("bad name/", "198.51.100.7\n", format: "xml", kind: "friendly"));
        var errors = (await JsonAsync(response)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("format", out _));
        Assert.True(errors.TryGetProperty("kind", out _));
    }

    [Fact]
    public async Task Upload_LargerThanLimit_Refused()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
        var name = NewName();
        var content = string.Concat(Enumerable.Repeat("198.51.100.7\n", (int)(ConsoleApiTestHost.MaxUploadBytes / 13) + 10));

        using var response = await admin.PostAsync("api/v1/lists", Upload(name, content));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("8,192 bytes", (await JsonAsync(response)).GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/v1/lists/{name}")).StatusCode);
    }

    [Fact]
    public async Task Upload_FarLargerThanLimit_413()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
        var content = new string('1', 200 * 1024);

        using var response = await admin.PostAsync("api/v1/lists", Upload(NewName(), content));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Analyst_ReadsButCannotChange()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
        var name = NewName();
        await admin.PostAsync("api/v1/lists", Upload(name, "198.51.100.7\n"));
        using var analyst = await host.SignInAsync(ConsoleApiTestHost.AnalystA);

        var read = await analyst.GetAsync($"api/v1/lists/{name}");
        var upload = await analyst.PostAsync("api/v1/lists", Upload(NewName(), "198.51.100.7\n"));
        var deactivate = await analyst.PostAsync($"api/v1/lists/{name}/deactivate", null);
        var delete = await analyst.DeleteAsync($"api/v1/lists/{name}");
        var platform = await analyst.GetAsync("api/v1/platform-lists");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, deactivate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, platform.StatusCode);
    }

    [Fact]
    public async Task OtherTenant_GetsNotFoundForEveryRoute()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
        var name = NewName();
        await admin.PostAsync("api/v1/lists", Upload(name, BadLines));
        using var other = await host.SignInAsync(ConsoleApiTestHost.AdminB);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"api/v1/lists/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"api/v1/lists/{name}/versions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"api/v1/lists/{name}/invalid-lines")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"api/v1/lists/{name}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"api/v1/lists/{name}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"api/v1/lists/{name}")).StatusCode);
        Assert.DoesNotContain(name, await other.GetStringAsync("api/v1/lists"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"api/v1/lists/{name}")).StatusCode);
    }

    [Fact]
    public async Task DeactivateActivateDelete_ChangeStatusAndTrail()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
        var name = NewName();
        await admin.PostAsync("api/v1/lists", Upload(name, "198.51.100.7\n"));

        var deactivated = await JsonAsync(await admin.PostAsync($"api/v1/lists/{name}/deactivate", null));
        var activated = await JsonAsync(await admin.PostAsync($"api/v1/lists/{name}/activate", null));
        var deleted = await admin.DeleteAsync($"api/v1/lists/{name}");

        Assert.Equal(ListStatus.Inactive, deactivated.GetProperty("status").GetString());
        Assert.Equal(ListStatus.Activating, activated.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/v1/lists/{name}")).StatusCode);
        var audit = await host.Services.GetRequiredService<IAuditLog>().ListAsync(ConsoleApiTestHost.TenantA, new AuditQuery { ObjectType = "list", ObjectId = name }, CancellationToken.None);
        Assert.Equal(["deleted", "activated", "deactivated", "created"], audit.Select(record => record.Entry.Action));
    }

    [Fact]
    public async Task FromS3_InvalidAddress_ProblemNamesUrl()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);

        using var response = await admin.PostAsJsonAsync("api/v1/lists/from-s3", new { name = NewName(), format = "txt", url = "https://example.net/list.txt", refreshMinutes = 1 });
        var errors = (await JsonAsync(response)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("s3://bucket/key", errors.GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("use 5 to 10080 minutes", errors.GetProperty("refreshMinutes")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotSignedIn_Returns401()
    {
        using var anonymous = host.Anonymous();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/lists")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/v1/lists", Upload(NewName(), "198.51.100.7\n"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/detector-settings")).StatusCode);
    }

    [Fact]
    public async Task PlatformList_OperatorDefinesFromFile_TenantAdminForbidden()
    {
        var file = Path.Combine(Path.GetTempPath(), "vigil-platform-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, "198.51.100.50\nnot-an-address\n");
        try
        {
            using var operatorClient = await host.SignInAsync(ConsoleApiTestHost.Operator);
            using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
            var name = NewName();

            var forbidden = await admin.PutAsJsonAsync($"api/v1/platform-lists/{name}", new { purpose = "scanner", format = "txt", source = file });
            var defined = await operatorClient.PutAsJsonAsync($"api/v1/platform-lists/{name}", new { purpose = "scanner", format = "txt", source = file, refreshMinutes = 60 });
            var body = await JsonAsync(defined);
            var lines = await JsonAsync(await operatorClient.GetAsync($"api/v1/platform-lists/{name}/invalid-lines"));
            var versions = await JsonAsync(await operatorClient.GetAsync($"api/v1/platform-lists/{name}/versions"));

            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal(HttpStatusCode.OK, defined.StatusCode);
            Assert.Equal(JsonValueKind.Null, body.GetProperty("fetchFailure").ValueKind);
            Assert.Equal(1, body.GetProperty("list").GetProperty("version").GetInt32());
            Assert.Equal(2, lines.GetProperty("lines")[0].GetProperty("line").GetInt32());
            Assert.Single(versions.EnumerateArray());
            var audit = await host.Services.GetRequiredService<IAuditLog>().ListAsync(AuditEntry.PlatformTenant, new AuditQuery { ObjectType = "platform-list", ObjectId = name }, CancellationToken.None);
            Assert.Equal("created", Assert.Single(audit).Entry.Action);
            Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.DeleteAsync($"api/v1/platform-lists/{name}")).StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Upload_WithoutAntiforgeryToken_Refused()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA, antiforgeryHeader: false);
        var name = NewName();

        using var response = await admin.PostAsync("api/v1/lists", Upload(name, "198.51.100.7\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Antiforgery token missing or invalid", (await JsonAsync(response)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/v1/lists/{name}")).StatusCode);
    }

    [Fact]
    public async Task Upload_TokenInFormField_Accepted()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA, antiforgeryHeader: false);
        var (_, token, field) = await ConsoleApiTestHost.AntiforgeryTokenAsync(admin);
        var form = Upload(NewName(), "198.51.100.7\n");
        form.Add(new StringContent(token), field);

        using var response = await admin.PostAsync("api/v1/lists", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Upload_OtherUsersToken_Refused()
    {
        using var analyst = await host.SignInAsync(ConsoleApiTestHost.AnalystA);
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA, antiforgeryHeader: false);
        var (header, token, _) = await ConsoleApiTestHost.AntiforgeryTokenAsync(analyst);
        admin.DefaultRequestHeaders.Add(header, token);

        using var response = await admin.PostAsync("api/v1/lists", Upload(NewName(), "198.51.100.7\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Upload_WithApiKey_NeedsNoToken()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);
        using var created = await admin.PostAsJsonAsync("api/v1/api-keys", new { name = "list uploader " + NewName(), role = ConsoleRoles.TenantAdmin, lifetimeDays = 1 });
        var secret = (await JsonAsync(created)).GetProperty("secret").GetString()!;
        using var keyClient = host.Anonymous();
        keyClient.DefaultRequestHeaders.Add("X-Api-Key", secret);
        var name = NewName();

        using var response = await keyClient.PostAsync("api/v1/lists", Upload(name, "198.51.100.7\n"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"api/v1/lists/{name}")).StatusCode);
    }

    internal static MultipartFormDataContent Upload(string name, string content, string format = "txt", string kind = "threat")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent(format), "format" },
            { new StringContent(kind), "kind" },
        };
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", "list.txt");
        return form;
    }

    internal static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(text), $"HTTP {(int)response.StatusCode} without a body");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string NewName() => "list-" + Guid.NewGuid().ToString("N")[..8];
}
