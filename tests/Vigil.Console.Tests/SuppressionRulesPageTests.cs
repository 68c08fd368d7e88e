using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class SuppressionRulesPageTests : ConsoleComponentTest
{
    private void SignInAsAdmin()
    {
        Authorization.SetAuthorized("admin1");
        Authorization.SetRoles(ConsoleRoles.TenantAdmin);
        Authorization.SetClaims(new System.Security.Claims.Claim(ConsoleClaimTypes.Tenant, TenantId));
    }

    [Fact]
    public void FromFinding_PrefillsRuleLikeIt()
    {
        SignInAsAdmin();
        Queries.Add(TenantId, TestFindings.Create("f1", type: "Recon:IAMUser/MaliciousIPCaller.Custom"));
        Services.GetRequiredService<NavigationManager>().NavigateTo("suppression-rules?fromFinding=f1");

        var page = RenderPage<SuppressionRules>();

        var fields = page.FindAll(".vigil-criterion-field").Select(input => input.GetAttribute("value")).ToList();
        Assert.Equal(["type", "accountId"], fields);
        Assert.Equal("Recon:IAMUser/MaliciousIPCaller.Custom", page.FindAll(".vigil-criterion-values")[0].GetAttribute("value"));
        Assert.Equal("Suppress Recon:IAMUser/MaliciousIPCaller.Custom", page.Find(".vigil-rule-name").GetAttribute("value"));
        Assert.True(page.Find(".vigil-save-rule").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Preview_ThenSave_ArchivesAndAudits()
    {
        SignInAsAdmin();
        Queries.Add(TenantId, TestFindings.Create("bob1", userName: "bob")).Add(TenantId, TestFindings.Create("alice1"));
        var page = RenderPage<SuppressionRules>();
        page.Find(".vigil-new-rule").Click();
        page.Find(".vigil-rule-name").Change("bob scanner");
        page.Find(".vigil-rule-reason").Change("bob runs the weekly scan");
        page.Find(".vigil-criterion-add").Click();
        page.Find(".vigil-criterion-field").Change("resource.accessKeyDetails.userName");
        page.Find(".vigil-criterion-values").Change("bob");

        page.Find(".vigil-preview-rule").Click();

        page.WaitForAssertion(() => Assert.Contains("1 stored finding would be archived", page.Find(".vigil-preview-count").TextContent));
        Assert.Contains("bob", page.Find(".vigil-preview-sample").TextContent);
        Assert.False((await Queries.GetAsync(TenantId, "bob1", CancellationToken.None))!.Service.Archived);

        page.Find(".vigil-save-rule").Click();

        page.WaitForAssertion(() => Assert.Contains("Rule \"bob scanner\" saved: 1 finding archived", page.Find(".vigil-rule-notice").TextContent));
        Assert.True((await Queries.GetAsync(TenantId, "bob1", CancellationToken.None))!.Service.Archived);
        Assert.False((await Queries.GetAsync(TenantId, "alice1", CancellationToken.None))!.Service.Archived);
        Assert.Contains("bob scanner", page.Find(".vigil-rules").TextContent);
        var entry = Assert.Single(Audit.Entries);
        Assert.Equal(("create", "admin1", TenantId), (entry.Action, entry.Actor, entry.TenantId));
    }

    [Fact]
    public void Save_ChangedAfterPreview_Refused()
    {
        SignInAsAdmin();
        var page = RenderPage<SuppressionRules>();
        page.Find(".vigil-new-rule").Click();
        page.Find(".vigil-rule-name").Change("r");
        page.Find(".vigil-rule-reason").Change("why");
        page.Find(".vigil-criterion-add").Click();
        page.Find(".vigil-criterion-field").Change("type");
        page.Find(".vigil-criterion-values").Change("A");
        page.Find(".vigil-preview-rule").Click();

        page.Find(".vigil-criterion-values").Change("B");
        page.Find(".vigil-save-rule").Click();

        Assert.Contains("preview again", page.Find(".vigil-rule-errors").TextContent);
        Assert.Empty(Audit.Entries);
    }

    [Fact]
    public async Task Disable_UnarchivesAndAudits()
    {
        SignInAsAdmin();
        Queries.Add(TenantId, TestFindings.Create("bob1", userName: "bob"));
        var criteria = FindingCriteria.Empty.With(new FindingCriterion("resource.accessKeyDetails.userName", CriterionOperator.Equals, ["bob"]));
        await SuppressionRules.CreateAsync(TenantId, new SuppressionRuleInput("bob", "scanner", criteria, true, null), "admin1", CancellationToken.None);
        var page = RenderPage<SuppressionRules>();

        page.Find(".vigil-disable-rule").Click();

        page.WaitForAssertion(() => Assert.Contains("disabled: 1 finding unarchived", page.Find(".vigil-rule-notice").TextContent));
        Assert.False((await Queries.GetAsync(TenantId, "bob1", CancellationToken.None))!.Service.Archived);
        Assert.Equal("disable", Assert.Single(Audit.Entries).Action);
        Assert.Contains("Disabled", page.Find(".vigil-rule-status").TextContent);
    }

    [Fact]
    public async Task Analyst_SeesRulesButNoEditor()
    {
        await SuppressionRules.CreateAsync(TenantId, new SuppressionRuleInput("<img src=x onerror=alert(1)>", "reason", FindingCriteria.Empty.With(new FindingCriterion("type", CriterionOperator.Equals, ["A"])), true, null), "admin1", CancellationToken.None);

        var page = RenderPage<SuppressionRules>();

        Assert.Empty(page.FindAll(".vigil-new-rule"));
        Assert.Empty(page.FindAll(".vigil-disable-rule"));
        Assert.Contains("Only tenant admins", page.Markup);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page.Markup);
        Assert.Empty(page.FindAll("img"));
    }
}
