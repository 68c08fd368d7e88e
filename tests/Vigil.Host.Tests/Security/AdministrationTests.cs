using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Contracts.Storage;

namespace Vigil.Host.Tests.Security;

/// <summary>
/// Tenant admins' changes through the REST API with local sessions and API keys: users, API keys,
/// accounts and the audit log, and a platform operator's tenant switch.
/// </summary>
[Collection(SecurityHostCollection.Name)]
public sealed class AdministrationTests(SecurityTestHost host)
{
    [Fact]
    public async Task CreateUser_PasswordShownOnce_SignsIn()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);
        var name = "new-" + Guid.NewGuid().ToString("N")[..10];

        var created = await admin.PostAsJsonAsync("api/v1/users", new { userName = name, role = ConsoleRoles.Analyst });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var password = body.GetProperty("password").GetString()!;
        var listed = await admin.GetStringAsync("api/v1/users");
        using var newUser = await host.SignInAsync(name, password);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(SecurityTestHost.TenantA, body.GetProperty("user").GetProperty("tenantId").GetString());
        Assert.Contains(name, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(password, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await newUser.GetAsync("api/v1/tenant")).StatusCode);
    }

    [Fact]
    public async Task FirstRun_AdministratorAndTenantAudited()
    {
        var audit = host.Get<IAuditLog>();

        var users = await audit.ListAsync("default", new AuditQuery { ObjectType = "user", Limit = AuditQuery.MaxLimit }, CancellationToken.None);
        var tenants = await audit.ListAsync(AuditEntry.PlatformTenant, new AuditQuery { ObjectType = "tenant", Limit = AuditQuery.MaxLimit }, CancellationToken.None);

        var administrator = Assert.Single(users, record => record.Entry.ObjectId == SecurityTestHost.OperatorName);
        Assert.Equal("system:first-run", administrator.Entry.Actor);
        Assert.Equal("user.create", administrator.Entry.Action);
        using var after = JsonDocument.Parse(administrator.Entry.After!);
        Assert.Equal(ConsoleRoles.PlatformOperator, after.RootElement.GetProperty("role").GetString());
        Assert.Contains(tenants, record => record.Entry.ObjectId == "default" && record.Entry.Actor == "system:first-run" && record.Entry.Action == "tenant.create");
    }

    [Fact]
    public async Task CreateUser_OperatorRole_Forbidden()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);

        var response = await admin.PostAsJsonAsync("api/v1/users", new { userName = "would-be-operator", role = ConsoleRoles.PlatformOperator });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(await host.Get<IConsoleUserStore>().GetAsync(SecurityTestHost.TenantA, "would-be-operator", CancellationToken.None));
    }

    [Fact]
    public async Task DisableUser_EndsSessionAndSignIn()
    {
        var name = await host.CreateUserAsync(SecurityTestHost.TenantA, ConsoleRoles.Analyst);
        using var user = await host.SignInAsync(name);
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);

        var disabled = await admin.PostAsync($"api/v1/users/{name}/disable", null);
        var afterDisable = await user.GetAsync("api/v1/tenant");
        using var again = host.CreateClient();
        var signIn = await SecurityTestHost.PostLoginAsync(again, name, SecurityTestHost.Password);

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDisable.StatusCode);
        Assert.Equal("/login?error=disabled", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ChangeRole_AuditedWithBeforeAndAfter()
    {
        var name = await host.CreateUserAsync(SecurityTestHost.TenantA, ConsoleRoles.Analyst);
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);

        var changed = await admin.PutAsJsonAsync($"api/v1/users/{name}/role", new { role = ConsoleRoles.TenantAdmin });
        var page = await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?objectType=user&objectId={name}");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var entry = page.GetProperty("entries")[0];
        Assert.Equal("user.set-role", entry.GetProperty("action").GetString());
        Assert.Equal(SecurityTestHost.AdminA, entry.GetProperty("actor").GetString());
        Assert.Contains(ConsoleRoles.Analyst, entry.GetProperty("before").GetString(), StringComparison.Ordinal);
        Assert.Contains(ConsoleRoles.TenantAdmin, entry.GetProperty("after").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeOwnRole_Forbidden()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);

        var response = await admin.PutAsJsonAsync($"api/v1/users/{SecurityTestHost.AdminA}/role", new { role = ConsoleRoles.Analyst });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Unlock_LockedUser_SignsInAgain()
    {
        var name = await host.CreateUserAsync(SecurityTestHost.TenantA, ConsoleRoles.Analyst);
        using var attacker = host.CreateClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await SecurityTestHost.PostLoginAsync(attacker, name, "wrong password");
        }

        var locked = await SecurityTestHost.PostLoginAsync(host.CreateClient(), name, SecurityTestHost.Password);
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);
        var unlocked = await admin.PostAsync($"api/v1/users/{name}/unlock", null);
        using var user = await host.SignInAsync(name);

        Assert.Equal("/login?error=locked", locked.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("api/v1/tenant")).StatusCode);
    }

    [Fact]
    public async Task ResetPassword_OldFailsNewWorks()
    {
        var name = await host.CreateUserAsync(SecurityTestHost.TenantA, ConsoleRoles.Analyst);
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);

        var reset = await admin.PostAsync($"api/v1/users/{name}/reset-password", null);
        var password = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!;
        var old = await SecurityTestHost.PostLoginAsync(host.CreateClient(), name, SecurityTestHost.Password);
        using var user = await host.SignInAsync(name, password);

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal("/login?error=invalid", old.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ApiKey_CreatedOnceHashedAndRevocable()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);

        var created = await admin.PostAsJsonAsync("api/v1/api-keys", new { name = "siem export", role = ConsoleRoles.Analyst, lifetimeDays = 30 });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        var id = body.GetProperty("key").GetProperty("id").GetGuid();
        using var keyClient = host.CreateClient();
        keyClient.DefaultRequestHeaders.Add("X-Api-Key", secret);
        var read = await keyClient.GetAsync("api/v1/accounts");
        var write = await keyClient.PostAsJsonAsync("api/v1/accounts", new { accountId = "111122223333", name = "x" });
        var listed = await admin.GetStringAsync("api/v1/api-keys");
        var revoked = await admin.DeleteAsync($"api/v1/api-keys/{id}");
        var afterRevoke = await keyClient.GetAsync("api/v1/accounts");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith(ApiKeySecret.Prefix, secret, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeySecret.Hash(secret), listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task ApiKey_AsBearer_RegistersAccount()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);
        var created = await admin.PostAsJsonAsync("api/v1/api-keys", new { name = "automation", role = ConsoleRoles.TenantAdmin });
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        using var keyClient = host.CreateClient();
        keyClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        var account = "1234" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var registered = await keyClient.PostAsJsonAsync("api/v1/accounts", new { accountId = account, name = "production" });
        var audit = await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?objectType=account&objectId={account}");

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("api-key:automation", audit.GetProperty("entries")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task ApiKey_Unknown_Unauthorized()
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKeySecret.Generate());

        var response = await client.GetAsync("api/v1/tenant");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Audit_KeysetPaging_NoOverlap()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);
        for (var index = 0; index < 5; index++)
        {
            await admin.PostAsJsonAsync("api/v1/api-keys", new { name = $"paging {index}", role = ConsoleRoles.Analyst });
        }

        var first = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?objectType=api-key&limit=3");
        var next = first.GetProperty("nextBefore").GetInt64();
        var second = await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?objectType=api-key&limit=3&before={next}");

        var firstIds = first.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("id").GetInt64()).ToList();
        var secondIds = second.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(3, firstIds.Count);
        Assert.NotEmpty(secondIds);
        Assert.True(secondIds.Max() < firstIds.Min(), "the second page must hold only older entries");
    }

    [Fact]
    public async Task Audit_PlatformScope_OnlyForOperators()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);
        using var operatorClient = await host.SignInAsync(SecurityTestHost.OperatorName);
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..8];
        await operatorClient.PostAsJsonAsync("api/v1/tenants", new { id = tenantId, displayName = "New customer" });

        var asAdmin = await admin.GetAsync("api/v1/audit?scope=platform");
        var asOperator = await operatorClient.GetFromJsonAsync<JsonElement>("api/v1/audit?scope=platform&objectType=tenant");

        Assert.Equal(HttpStatusCode.Forbidden, asAdmin.StatusCode);
        Assert.Contains(asOperator.GetProperty("entries").EnumerateArray(), entry => entry.GetProperty("objectId").GetString() == tenantId);
    }

    [Fact]
    public async Task SwitchTenant_Operator_ActsInSelectedTenant()
    {
        using var operatorClient = await host.SignInAsync(SecurityTestHost.OperatorName);
        var token = await SecurityTestHost.GetAntiforgeryTokenAsync(operatorClient, "findings");

        var switched = await operatorClient.PostAsync("account/tenant", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["tenantId"] = SecurityTestHost.TenantB,
            ["returnUrl"] = "/sources",
        }));
        var tenant = await operatorClient.GetFromJsonAsync<JsonElement>("api/v1/tenant");
        var sources = await operatorClient.GetStringAsync("api/v1/sources");

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/sources", switched.Headers.Location?.OriginalString);
        Assert.Equal(SecurityTestHost.TenantB, tenant.GetProperty("id").GetString());
        Assert.Contains(host.SourceB.ToString(), sources, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwitchTenant_UnknownTenant_Rejected()
    {
        using var operatorClient = await host.SignInAsync(SecurityTestHost.OperatorName);
        var token = await SecurityTestHost.GetAntiforgeryTokenAsync(operatorClient, "findings");

        var response = await operatorClient.PostAsync("account/tenant", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["tenantId"] = "no-such-tenant",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SwitchTenant_TenantAdmin_Forbidden()
    {
        using var admin = await host.SignInAsync(SecurityTestHost.AdminA);
        var token = await SecurityTestHost.GetAntiforgeryTokenAsync(admin, "findings");

        var response = await admin.PostAsync("account/tenant", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["tenantId"] = SecurityTestHost.TenantB,
        }));
        var tenant = await admin.GetFromJsonAsync<JsonElement>("api/v1/tenant");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/access-denied", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(SecurityTestHost.TenantA, tenant.GetProperty("id").GetString());
    }

    [Fact]
    public async Task SwitchTenant_WithoutAntiforgeryToken_Rejected()
    {
        using var operatorClient = await host.SignInAsync(SecurityTestHost.OperatorName);

        var response = await operatorClient.PostAsync("account/tenant", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["tenantId"] = SecurityTestHost.TenantB,
        }));
        var tenant = await operatorClient.GetFromJsonAsync<JsonElement>("api/v1/tenant");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual(SecurityTestHost.TenantB, tenant.GetProperty("id").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_ListsVersionedRoutes()
    {
        using var analyst = await host.SignInAsync(SecurityTestHost.AnalystA);
        using var anonymous = host.CreateClient();

        var document = await analyst.GetFromJsonAsync<JsonElement>("api/v1/openapi.json");
        var unauthenticated = await anonymous.GetAsync("api/v1/openapi.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        Assert.Contains("/api/v1/sources/{id}", paths);
        Assert.Contains("/api/v1/users/{userName}/role", paths);
        Assert.Contains("/api/v1/api-keys", paths);
        Assert.DoesNotContain(paths, path => !path.StartsWith("/api/v1/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }
}
