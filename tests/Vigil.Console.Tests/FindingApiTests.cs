using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>The findings and suppression rules REST API through the console's real pipeline: cookie sign-in, roles and tenant scoping.</summary>
public sealed class FindingApiTests : IAsyncLifetime
{
    private const string Tenant = ConsoleComponentTest.TenantId;
    private const string OtherTenant = ConsoleComponentTest.OtherTenantId;

    private ConsoleTestServer _server = default!;
    private HttpClient _client = default!;

    public async Task InitializeAsync()
    {
        _server = await ConsoleTestServer.StartAsync();
        _client = _server.CreateClient();
        _server.Findings
            .Add(Tenant, TestFindings.Create("f-high", severity: 8, userName: "alice"))
            .Add(Tenant, TestFindings.Create("f-low", severity: 2, userName: "bob"))
            .Add(OtherTenant, TestFindings.Create("f-other", severity: 8));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Search_WithCriteria_ReturnsMatches()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var response = await _client.PostAsJsonAsync("/api/v1/findings/search", new
        {
            criteria = new { criteria = new[] { new { field = "severity", @operator = "GreaterThanOrEqual", values = new[] { "7" } } } },
            limit = 10,
        });
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = body.GetProperty("items");
        Assert.Equal("f-high", Assert.Single(items.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(1, body.GetProperty("matchCount").GetInt64());
    }

    [Fact]
    public async Task Search_KeysetCursor_NextPage()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var first = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/findings/search", new { limit = 1 }));
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/findings/search", new { limit = 1, after = cursor }));

        Assert.NotNull(cursor);
        Assert.NotEqual(first.GetProperty("items")[0].GetProperty("id").GetString(), second.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Search_InvalidCriterion_ProblemNamesIt()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var response = await _client.PostAsJsonAsync("/api/v1/findings/search", new
        {
            criteria = new { criteria = new[] { new { field = "severity", @operator = "Matches", values = new[] { "7*" } } } },
        });
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = body.GetProperty("errors").GetProperty("criteria")[0].GetString();
        Assert.Contains("criterion 1 (severity)", message, StringComparison.Ordinal);
        Assert.Contains("does not apply to a number field", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_MalformedJson_ProblemWithPosition()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var response = await _client.PostAsync("/api/v1/findings/search", new StringContent("{\"criteria\": [", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherTenant_FindingIsNotFound()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var get = await _client.GetAsync("/api/v1/findings/f-other");
        var archive = await _client.PostAsync("/api/v1/findings/f-other/archive", null);
        var feedback = await _client.PutAsJsonAsync("/api/v1/findings/f-other/feedback", new { feedback = "USEFUL" });
        var bulk = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/findings/archive", new { ids = new[] { "f-other" } }));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, archive.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, feedback.StatusCode);
        Assert.Equal(0, bulk.GetProperty("changed").GetInt32());
        Assert.False((await _server.Findings.GetAsync(OtherTenant, "f-other", CancellationToken.None))!.Service.Archived);
    }

    [Fact]
    public async Task Get_ReturnsGuardDutyDocument()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var body = await ReadJsonAsync(await _client.GetAsync("/api/v1/findings/f-high"));

        Assert.Equal("f-high", body.GetProperty("id").GetString());
        Assert.Equal("2.0", body.GetProperty("schemaVersion").GetString());
    }

    [Fact]
    public async Task ArchiveByCriteria_ThenUnarchiveOne()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var archived = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/findings/archive", new
        {
            criteria = new { criteria = new[] { new { field = "resource.accessKeyDetails.userName", @operator = "Equals", values = new[] { "bob" } } } },
        }));
        var unarchive = await _client.PostAsync("/api/v1/findings/f-low/unarchive", null);

        Assert.Equal(1, archived.GetProperty("changed").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, unarchive.StatusCode);
        Assert.Contains((Tenant, "f-low", true), _server.Findings.ArchiveRequests);
        Assert.False((await _server.Findings.GetAsync(Tenant, "f-low", CancellationToken.None))!.Service.Archived);
    }

    [Fact]
    public async Task Feedback_StoredAndValidated()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var stored = await _client.PutAsJsonAsync("/api/v1/findings/f-high/feedback", new { feedback = "NOT_USEFUL" });
        var invalid = await _client.PutAsJsonAsync("/api/v1/findings/f-high/feedback", new { feedback = "meh" });

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("NOT_USEFUL", (await _server.Findings.GetAsync(Tenant, "f-high", CancellationToken.None))!.Service.UserFeedback);
    }

    [Fact]
    public async Task ExportCsv_TenantsFindingsOnly()
    {
        _server.Findings.Add(Tenant, TestFindings.Create("f-formula", userName: "=cmd|'/c calc'!A1"));
        await SignInAsync(FakeConsoleUserStore.UserName);

        var response = await _client.GetAsync("/api/v1/findings/export?format=csv");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Contains("f-high", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("f-other", csv, StringComparison.Ordinal);
        Assert.Contains("'=cmd|'", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportJsonLines_FilteredByCriteria()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);
        var criteria = Uri.EscapeDataString("{\"criteria\":[{\"field\":\"severity\",\"operator\":\"LessThan\",\"values\":[\"5\"]}]}");

        var response = await _client.GetAsync($"/api/v1/findings/export?format=jsonl&criteria={criteria}");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("f-low", JsonDocument.Parse(Assert.Single(lines)).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Analyst_CannotChangeSuppressionRules()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var list = await _client.GetAsync("/api/v1/suppression-rules");
        var create = await _client.PostAsJsonAsync("/api/v1/suppression-rules", RuleBody("bob"));
        var preview = await _client.PostAsJsonAsync("/api/v1/suppression-rules/preview", new { criteria = CriteriaFor("bob") });

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, preview.StatusCode);
    }

    [Fact]
    public async Task SuppressionRule_PreviewCreateDisableDelete_Audited()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);

        var preview = await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/suppression-rules/preview", new { criteria = CriteriaFor("bob") }));
        var created = await _client.PostAsJsonAsync("/api/v1/suppression-rules", RuleBody("bob"));
        var rule = (await ReadJsonAsync(created)).GetProperty("rule");
        var id = rule.GetProperty("id").GetGuid();
        var archivedAfterCreate = (await _server.Findings.GetAsync(Tenant, "f-low", CancellationToken.None))!.Service.Archived;
        var disabled = await _client.PutAsJsonAsync($"/api/v1/suppression-rules/{id}", RuleBody("bob", enabled: false));
        var archivedAfterDisable = (await _server.Findings.GetAsync(Tenant, "f-low", CancellationToken.None))!.Service.Archived;
        var deleted = await _client.DeleteAsync($"/api/v1/suppression-rules/{id}");

        Assert.Equal(1, preview.GetProperty("matchCount").GetInt64());
        Assert.Equal("f-low", preview.GetProperty("sample")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(archivedAfterCreate);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False(archivedAfterDisable);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(["create", "disable", "delete"], _server.Audit.Entries.Select(entry => entry.Action));
        Assert.All(_server.Audit.Entries, entry => Assert.Equal((Tenant, FakeConsoleUserStore.AdminUserName, "suppression-rule", id.ToString()), (entry.TenantId, entry.Actor, entry.ObjectType, entry.ObjectId)));
        Assert.Null(_server.Audit.Entries[0].Before);
        Assert.Contains("\"enabled\":false", _server.Audit.Entries[1].After, StringComparison.Ordinal);
        Assert.Null(_server.Audit.Entries[2].After);
    }

    [Fact]
    public async Task SuppressionRule_OtherTenant_NotFound()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        var id = (await ReadJsonAsync(await _client.PostAsJsonAsync("/api/v1/suppression-rules", RuleBody("bob")))).GetProperty("rule").GetProperty("id").GetGuid();
        using var other = _server.CreateClient();
        await ConsoleTestServer.PostLoginAsync(other, FakeConsoleUserStore.OtherAdminUserName, FakeConsoleUserStore.Password);

        var get = await other.GetAsync($"/api/v1/suppression-rules/{id}");
        var put = await other.PutAsJsonAsync($"/api/v1/suppression-rules/{id}", RuleBody("bob", enabled: false));
        var delete = await other.DeleteAsync($"/api/v1/suppression-rules/{id}");
        var list = await ReadJsonAsync(await other.GetAsync("/api/v1/suppression-rules"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(0, list.GetArrayLength());
    }

    [Fact]
    public async Task SuppressionRule_WithoutCriteria_Rejected()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);

        var response = await _client.PostAsJsonAsync("/api/v1/suppression-rules", new { name = "everything", reason = "test", enabled = true });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at least one criterion", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_server.Audit.Entries);
    }

    [Fact]
    public async Task NotSignedIn_Returns401()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/findings/search", new { });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static RuleRequest RuleBody(string userName, bool enabled = true) =>
        new("ignore " + userName, "expected scanner", enabled, CriteriaFor(userName));

    private static object CriteriaFor(string userName) =>
        new { criteria = new[] { new { field = "resource.accessKeyDetails.userName", @operator = "Equals", values = new[] { userName } } } };

    private sealed record RuleRequest(
        [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
        [property: System.Text.Json.Serialization.JsonPropertyName("reason")] string Reason,
        [property: System.Text.Json.Serialization.JsonPropertyName("enabled")] bool Enabled,
        [property: System.Text.Json.Serialization.JsonPropertyName("criteria")] object Criteria);

    private async Task SignInAsync(string userName)
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, userName, FakeConsoleUserStore.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
