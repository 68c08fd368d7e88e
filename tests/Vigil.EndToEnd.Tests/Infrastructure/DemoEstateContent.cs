using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Contracts.Storage;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What a tenant admin of the demo estate sets up beside its logs, so every console page has
/// something to show. These are a rule file in dry run, a registered account, a folder source with
/// a signed CloudTrail digest chain, a second user, an API key, a webhook export destination, a
/// suppression rule and a second tenant. Each is made through the CLI or the console's REST API.
/// None of them raises or archives a finding of tenant <c>default</c>, so the tests that compare
/// its findings with an offline replay of the demo logs still pass.
/// </summary>
internal static class DemoEstateContent
{
    public const string RuleFileName = "aws_cloudtrail_logging_changed.yml";
    public const string AccountId = "111122223333";
    public const string AccountName = "Production";
    public const string TrailSourceName = "CloudTrail bucket copy";
    public const string AnalystName = "analyst.kim";
    public const string ApiKeyName = "SIEM pull";
    public const string DestinationName = "SOC webhook";
    public const string SuppressionRuleName = "Sandbox account";
    public const string SecondTenantId = "staging";

    /// <summary>An account that no demo log names, so the suppression rule archives nothing that other tests count.</summary>
    public const string SandboxAccountId = "999988887777";

    /// <summary>Imports one Sigma rule file for tenant <c>default</c> in dry-run mode, which counts matches and raises no finding.</summary>
    public static async Task ImportDryRunRuleAsync(string workFolder, string connectionString)
    {
        var folder = Path.Combine(workFolder, "demo-rules");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(RepositoryRoot.Find(), "tests", "Vigil.Rules.Tests", "Fixtures", "rules", RuleFileName), Path.Combine(folder, RuleFileName), overwrite: true);
        var import = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["VIGIL_DATABASE"] = connectionString },
            "rules", "import", folder, "--tenant", "default", "--dry-run");
        Assert.True(import.ExitCode == 0, import.ToString());
    }

    /// <summary>Creates the rest through the REST API as the signed-in admin and returns the id of the folder source with the digest chain.</summary>
    public static async Task<Guid> CreateAsync(HttpClient admin, string trailFolder, Uri webhookUrl)
    {
        await PostAsync(admin, "api/v1/accounts", new { accountId = AccountId, name = AccountName });

        var source = await PostAsync(admin, "api/v1/sources", new { name = TrailSourceName, kind = "Folder", folder = trailFolder, accountIds = new[] { AccountId } });
        var sourceId = JsonDocument.Parse(source).RootElement.GetProperty("id").GetGuid();

        await PostAsync(admin, "api/v1/users", new { userName = AnalystName, role = ConsoleRoles.Analyst });
        await PostAsync(admin, "api/v1/api-keys", new { name = ApiKeyName, role = ConsoleRoles.Analyst, lifetimeDays = 90 });
        await PostAsync(admin, "api/v1/export/destinations", new { name = DestinationName, kind = "Webhook", format = "EventBridge", url = webhookUrl.ToString() });
        await PostAsync(admin, "api/v1/suppression-rules", new
        {
            name = SuppressionRuleName,
            reason = "Red-team exercises run in the sandbox account; their findings are expected.",
            enabled = true,
            criteria = new { criteria = new[] { new { field = "accountId", @operator = "Equals", values = new[] { SandboxAccountId } } } },
        });
        await PostAsync(admin, "api/v1/tenants", new { id = SecondTenantId, displayName = "Staging accounts" });
        return sourceId;
    }

    /// <summary>Waits until the host's digest validation has checked the source and found its chain valid.</summary>
    public static async Task WaitForIntegrityCheckAsync(DemoEstateFixture estate, Guid sourceId, int digests)
    {
        var store = new PostgresTrailIntegrityStore(estate.DataSource);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        TrailIntegrityState? state = null;
        while (DateTime.UtcNow < deadline)
        {
            state = (await store.ListAsync("default", CancellationToken.None)).SingleOrDefault(candidate => candidate.SourceId == sourceId);
            if (state is { LastCheckedAt: not null } && state.DigestsValid >= digests)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The digest chain of source {sourceId} was not validated within 2 minutes (last state: {state}). Host output:\n{estate.Host.Output}");
    }

    /// <summary>Posts <paramref name="body"/> as JSON, asserts success and returns the response body.</summary>
    private static async Task<string> PostAsync(HttpClient admin, string path, object body)
    {
        using var response = await admin.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} returned {(int)response.StatusCode}: {text}");
        return text;
    }
}
