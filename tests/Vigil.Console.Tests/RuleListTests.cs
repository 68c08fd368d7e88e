using Bunit;
using Microsoft.AspNetCore.Components;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class RuleListTests : ConsoleComponentTest
{
    public RuleListTests()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Validate_ShowsLineAndColumn()
    {
        SignInAsAdmin();
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.BrokenRule);
        page.Find(".vigil-validate-rule").Click();

        var message = page.Find(".vigil-rule-error").TextContent;
        Assert.Matches(@"^\d+:\d+: error: ", message);
        Assert.Contains("missing", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestRun_ListsMatchesOfTestEvents()
    {
        SignInAsAdmin();
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.SamlRule);
        page.Find(".vigil-field-test-events textarea").Change(RuleTestData.TestEvents("UpdateSAMLProvider", "ListUsers", "UpdateSAMLProvider"));
        page.Find(".vigil-test-rule").Click();

        var row = page.Find(".vigil-trial-matches tbody tr");
        Assert.Contains("AWS IAM SAML Provider Metadata Updated", page.Find(".vigil-match-rule").TextContent, StringComparison.Ordinal);
        Assert.Contains("2", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("1 findings from 3 records in 1 log objects.", page.Find(".vigil-trial-summary").TextContent);
    }

    [Fact]
    public async Task BackTest_ReadsFolderSourceLogs()
    {
        var folder = Directory.CreateTempSubdirectory("vigil-backtest-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "a.json"), RuleTestData.TestEvents("UpdateSAMLProvider"));
            await Sources.SaveAsync(new SourceDefinition { Id = Guid.NewGuid(), TenantId = TenantId, Name = "logs", Kind = SourceKind.Folder, Folder = folder.FullName, AccountIds = ["111122223333"], UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "admin1" }, CancellationToken.None);
            var page = RenderPage<RuleList>();

            page.Find(".vigil-field-yaml textarea").Change(RuleTestData.SamlRule);
            page.Find(".vigil-backtest-rule").Click();

            page.WaitForAssertion(() => Assert.Equal("1 findings from 1 records in 1 log objects.", page.Find(".vigil-trial-summary").TextContent));
            Assert.Contains("arn:aws:iam::111122223333:user/alice", page.Find(".vigil-match-object").TextContent, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Save_StoresRuleAndAudits()
    {
        SignInAsAdmin();
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-rule-name input").Change("saml.yml");
        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.SamlRule);
        page.FindComponents<MudBlazor.MudSwitch<bool>>()[1].Find("input").Change(true);
        page.Find(".vigil-save-rule").Click();

        var stored = await Rules.GetAsync(TenantId, "saml.yml", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.True(stored.DryRun);
        Assert.Equal("admin1", stored.UpdatedBy);
        var entry = Assert.Single(Audit.Entries);
        Assert.Equal(("create", "rule", "saml.yml", TenantId), (entry.Action, entry.ObjectType, entry.ObjectId, entry.TenantId));
        Assert.Equal("saml.yml", page.Find(".vigil-rule-name").TextContent);
    }

    [Fact]
    public void Save_WithErrors_NotStored()
    {
        SignInAsAdmin();
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.BrokenRule);
        page.Find(".vigil-save-rule").Click();

        Assert.Contains("not saved", page.Find(".vigil-rule-status").TextContent, StringComparison.Ordinal);
        Assert.Empty(Audit.Entries);
    }

    [Fact]
    public async Task Disable_TurnsRuleOff()
    {
        SignInAsAdmin();
        await Rules.SaveAsync(new StoredRule { TenantId = TenantId, Name = "saml.yml", Yaml = RuleTestData.SamlRule, Sha256 = StoredRule.HashOf(RuleTestData.SamlRule), UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "admin1" }, CancellationToken.None);
        var page = RenderPage<RuleList>();

        page.Find(".vigil-toggle-rule").Click();

        Assert.False((await Rules.GetAsync(TenantId, "saml.yml", CancellationToken.None))!.Enabled);
        Assert.Equal("disable", Assert.Single(Audit.Entries).Action);
        Assert.Equal("No", page.Find(".vigil-rule-enabled").TextContent);
    }

    [Fact]
    public async Task Analyst_CannotSaveOrToggle()
    {
        await Rules.SaveAsync(new StoredRule { TenantId = TenantId, Name = "saml.yml", Yaml = RuleTestData.SamlRule, Sha256 = StoredRule.HashOf(RuleTestData.SamlRule), UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "admin1" }, CancellationToken.None);

        var page = RenderPage<RuleList>();

        Assert.Empty(page.FindAll(".vigil-save-rule"));
        Assert.Empty(page.FindAll(".vigil-toggle-rule"));
        Assert.Single(page.FindAll(".vigil-edit-rule"));
    }

    private void SignInAsAdmin()
    {
        Authorization.SetAuthorized("admin1");
        Authorization.SetRoles(ConsoleRoles.TenantAdmin);
        Authorization.SetClaims(new System.Security.Claims.Claim(ConsoleClaimTypes.Tenant, TenantId));
    }
}
