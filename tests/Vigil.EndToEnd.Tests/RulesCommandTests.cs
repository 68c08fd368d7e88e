using System.Text.Json;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary><c>vigil rules validate</c> and <c>import</c> against the fixture's database, and rules run by the grains in <c>vigil replay --rules</c>.</summary>
[Collection(DemoEstateCollection.Name)]
public sealed class RulesCommandTests(DemoEstateFixture estate)
{
    private static string FixtureRules => Path.Combine(RepositoryRoot.Find(), "tests", "Vigil.Rules.Tests", "Fixtures", "rules");

    [Fact]
    public async Task Validate_FixtureFolder_ReportsNoErrors()
    {
        var result = await CliProcess.RunAsync(null, "rules", "validate", FixtureRules);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("12 rule files: 12 detection rules and 1 correlation rules compiled; 0 errors, 0 warnings.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_StoresValidFilesAndRejectsBadOnes()
    {
        var folder = Path.Combine(estate.WorkFolder, "rules-import");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(FixtureRules, "aws_iam_saml_provider_updated.yml"), Path.Combine(folder, "saml.yml"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(folder, "bad.yml"), "title: Bad\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventName|startswit: Delete\n  condition: selection\n");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString },
            "rules", "import", folder, "--tenant", "rules-tenant", "--disabled");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.yml:7:5: error: detection.selection.eventName|startswit: unknown value modifier 'startswit'", result.Error, StringComparison.Ordinal);
        Assert.Contains("Stored 1 of 2 rule files for tenant 'rules-tenant' (disabled)", result.Output, StringComparison.Ordinal);
        await using var command = estate.DataSource.CreateCommand("SELECT name, enabled, updated_by FROM tenant_rules WHERE tenant_id = 'rules-tenant'");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("saml.yml", reader.GetString(0));
        Assert.False(reader.GetBoolean(1));
        Assert.StartsWith("cli:", reader.GetString(2), StringComparison.Ordinal);
        Assert.False(await reader.ReadAsync());

        var enable = await CliProcess.RunAsync(new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString }, "rules", "enable", "saml.yml", "--tenant", "rules-tenant");
        Assert.True(enable.ExitCode == 0, enable.ToString());
        await using var check = estate.DataSource.CreateCommand("SELECT enabled FROM tenant_rules WHERE tenant_id = 'rules-tenant' AND name = 'saml.yml'");
        Assert.True((bool)(await check.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Replay_WithRules_RaisesRuleAndCorrelationFindings()
    {
        var folder = Path.Combine(estate.WorkFolder, "rules-replay");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(RepositoryRoot.Find(), "tests", "Vigil.Rules.Tests", "Fixtures", "events", "cloudtrail-rule-cases.json"), Path.Combine(folder, "cases.json"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(folder, "denied.json"), DeniedCalls("mallory", 6));
        var output = Path.Combine(estate.WorkFolder, "rules-replay-findings.jsonl");

        var result = await CliProcess.RunAsync(null, "replay", folder, "--rules", FixtureRules, "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        var findings = (await File.ReadAllLinesAsync(output)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var saml = Assert.Single(findings, finding => RuleId(finding) == "6f3f4b0e-2a51-4c55-9d0b-7b1a6c2e9a01");
        Assert.Equal("Persistence:IAMUser/SigmaRule.Custom", saml.GetProperty("type").GetString());
        Assert.Equal(8, saml.GetProperty("severity").GetDouble());
        Assert.Equal("AWS IAM SAML Provider Metadata Updated", saml.GetProperty("title").GetString());
        var denied = Assert.Single(findings, finding => RuleId(finding) == "6e8a0c24-5d7f-4b9a-8e0c-3b5d7f9a1c11");
        Assert.Equal("Discovery:IAMUser/SigmaCorrelation.Custom", denied.GetProperty("type").GetString());
        Assert.Equal(1, denied.GetProperty("service").GetProperty("count").GetInt64());
        Assert.Equal("arn:aws:iam::111122223333:user/mallory", denied.GetProperty("service").GetProperty("additionalInfo").GetProperty("group.userIdentity.arn").GetString());
        Assert.DoesNotContain(findings, finding => RuleId(finding) == "0c2e4a68-3b5d-4f7a-9c1e-2a4c6e8a0c10");
    }

    private static string? RuleId(JsonElement finding) =>
        finding.GetProperty("service").TryGetProperty("additionalInfo", out var info) && info.TryGetProperty("ruleId", out var id) ? id.GetString() : null;

    private static string DeniedCalls(string user, int count)
    {
        var records = Enumerable.Range(0, count).Select(i => $$"""
            {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEMALLORY01","arn":"arn:aws:iam::111122223333:user/{{user}}","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEKEY000009","userName":"{{user}}"},
             "eventTime":"2026-03-05T11:0{{i}}:10Z","eventSource":"iam.amazonaws.com","eventName":"GetUser","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.99",
             "userAgent":"aws-cli/2.15.0","errorCode":"AccessDenied","errorMessage":"denied","requestParameters":null,"responseElements":null,
             "requestID":"req-denied-{{i}}","eventID":"denied-{{i}}","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
            """);
        return "{\"Records\":[" + string.Join(",", records) + "]}";
    }
}
