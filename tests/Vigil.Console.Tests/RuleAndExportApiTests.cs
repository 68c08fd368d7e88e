using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.Console.Tests;

/// <summary>The rules and export REST APIs through the console's real pipeline: cookie sign-in, roles and tenant scoping.</summary>
public sealed class RuleAndExportApiTests : IAsyncLifetime
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
    public async Task PutRule_ThenListAndDisable()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);

        var saved = await _client.PutAsJsonAsync("/api/v1/rules/saml.yml", new { yaml = RuleTestData.SamlRule, dryRun = true });
        var listed = await ReadJsonAsync(await _client.GetAsync("/api/v1/rules"));
        var disabled = await _client.PostAsync("/api/v1/rules/saml.yml/disable", null);
        var fetched = await ReadJsonAsync(await _client.GetAsync("/api/v1/rules/saml.yml"));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("saml.yml", listed[0].GetProperty("name").GetString());
        Assert.True(listed[0].GetProperty("dryRun").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        Assert.False(fetched.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task PutBrokenRule_ProblemWithLineAndColumn()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);

        var response = await _client.PutAsJsonAsync("/api/v1/rules/broken.yml", new { yaml = RuleTestData.BrokenRule });
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = body.GetProperty("messages")[0];
        Assert.Equal("error", message.GetProperty("severity").GetString());
        Assert.True(message.GetProperty("line").GetInt32() > 0);
        Assert.True(message.GetProperty("column").GetInt32() > 0);
    }

    [Fact]
    public async Task Analyst_CannotPutRule()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var response = await _client.PutAsJsonAsync("/api/v1/rules/saml.yml", new { yaml = RuleTestData.SamlRule });
        var test = await _client.PostAsJsonAsync("/api/v1/rules/test", new { yaml = RuleTestData.SamlRule, testEvents = RuleTestData.TestEvents("UpdateSAMLProvider") });
        var trial = await ReadJsonAsync(test);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Equal(1, trial.GetProperty("matches").GetArrayLength());
    }

    [Fact]
    public async Task OtherTenant_RuleNotFound()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);
        await _client.PutAsJsonAsync("/api/v1/rules/saml.yml", new { yaml = RuleTestData.SamlRule });
        using var other = _server.CreateClient();
        var login = await ConsoleTestServer.PostLoginAsync(other, FakeConsoleUserStore.OtherAdminUserName, FakeConsoleUserStore.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var response = await other.GetAsync("/api/v1/rules/saml.yml");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CreateWebhook_SecretOnlyInCreateAnswer()
    {
        await SignInAsync(FakeConsoleUserStore.AdminUserName);

        var created = await _client.PostAsJsonAsync("/api/v1/export/destinations", new { name = "hook", kind = "Webhook", format = "Ocsf", url = "https://siem.example.com/hook" });
        var body = await ReadJsonAsync(created);
        var id = body.GetProperty("destination").GetProperty("id").GetGuid();
        var fetched = await ReadJsonAsync(await _client.GetAsync($"/api/v1/export/destinations/{id}"));
        var frequency = await _client.PutAsJsonAsync("/api/v1/export/settings", new { publishingFrequencyMinutes = 15 });
        var badFrequency = await _client.PutAsJsonAsync("/api/v1/export/settings", new { publishingFrequencyMinutes = 30 });
        var settings = await ReadJsonAsync(await _client.GetAsync("/api/v1/export/settings"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("whsec_", body.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("secret").ValueKind);
        Assert.True(fetched.GetProperty("destination").GetProperty("hasSecret").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, frequency.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badFrequency.StatusCode);
        Assert.Equal(15, settings.GetProperty("publishingFrequencyMinutes").GetInt32());
    }

    [Fact]
    public async Task Analyst_CannotCreateDestination()
    {
        await SignInAsync(FakeConsoleUserStore.UserName);

        var response = await _client.PostAsJsonAsync("/api/v1/export/destinations", new { name = "hook", kind = "Webhook", url = "https://siem.example.com/hook" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task SignInAsync(string userName)
    {
        var response = await ConsoleTestServer.PostLoginAsync(_client, userName, FakeConsoleUserStore.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
