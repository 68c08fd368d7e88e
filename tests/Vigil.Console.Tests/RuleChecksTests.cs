using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Vigil.Console.Components.Pages;
using Vigil.Console.Rules;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>The Rules page's checked test runs, stored dry-run counts and back-test progress.</summary>
public sealed class RuleChecksTests : ConsoleComponentTest
{
    public RuleChecksTests()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void TestRun_PassesWhenEventsMatchAsExpected()
    {
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.SamlRule);
        page.Find(".vigil-field-test-events textarea").Change(RuleTestData.TestEvents("UpdateSAMLProvider"));
        page.Find(".vigil-field-test-events-no-match textarea").Change(RuleTestData.TestEvents("ListUsers"));
        page.Find(".vigil-test-rule").Click();

        Assert.Contains("Test run passed", page.Find(".vigil-rule-status").TextContent, StringComparison.Ordinal);
        var check = page.Find(".vigil-rule-check-passed").TextContent;
        Assert.StartsWith("Passed: AWS IAM SAML Provider Metadata Updated: 1 findings", check, StringComparison.Ordinal);
    }

    [Fact]
    public void TestRun_FailsWhenNonMatchingEventMatches()
    {
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.SamlRule);
        page.Find(".vigil-field-test-events textarea").Change(RuleTestData.TestEvents("UpdateSAMLProvider"));
        page.Find(".vigil-field-test-events-no-match textarea").Change(RuleTestData.TestEvents("UpdateSAMLProvider"));
        page.Find(".vigil-test-rule").Click();

        Assert.Contains("Test run failed", page.Find(".vigil-rule-status").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 from the events it must not match", page.Find(".vigil-rule-check-failed").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TestRun_FailsWhenMatchingEventMisses()
    {
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.SamlRule);
        page.Find(".vigil-field-test-events textarea").Change(RuleTestData.TestEvents("ListUsers"));
        page.Find(".vigil-test-rule").Click();

        Assert.Contains("0 findings from the events it must match", page.Find(".vigil-rule-check-failed").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleTable_ShowsStoredDryRunCounts()
    {
        var now = Clock.GetUtcNow();
        await Rules.SaveAsync(new StoredRule { TenantId = TenantId, Name = "saml.yml", Yaml = RuleTestData.SamlRule, Sha256 = StoredRule.HashOf(RuleTestData.SamlRule), DryRun = true, UpdatedAt = now, UpdatedBy = "admin1" }, CancellationToken.None);
        await DryRunCounts.AddAsync(
            [
                new RuleDryRunCount(TenantId, "saml.yml", "saml-rule", now, 3),
                new RuleDryRunCount(TenantId, "saml.yml", "saml-rule", now.AddDays(-3), 4),
                new RuleDryRunCount(TenantId, "saml.yml", "saml-rule", now.AddDays(-9), 100),
                new RuleDryRunCount("other-tenant", "saml.yml", "saml-rule", now, 50),
            ],
            CancellationToken.None);

        var page = RenderPage<RuleList>();
        page.Find(".vigil-edit-rule").Click();

        Assert.Equal("3 / 7", page.Find(".vigil-rule-dry-run-matches").TextContent);
        Assert.Contains("saml-rule: 3", page.Find(".vigil-dry-run-counts").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackTest_ShowsProgressWhileReading()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        BackTestLogs = new GatedLogs(gate.Task);
        var page = RenderPage<RuleList>();

        page.Find(".vigil-field-yaml textarea").Change(RuleTestData.SamlRule);
        var running = page.Find(".vigil-backtest-rule").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Equal("Read 1 of 2 log objects, 1 records; last: first.json", page.Find(".vigil-backtest-progress").TextContent));
        gate.SetResult();
        await running;

        page.WaitForAssertion(() => Assert.Equal("2 findings from 2 records in 2 log objects.", page.Find(".vigil-trial-summary").TextContent));
        Assert.Empty(page.FindAll(".vigil-backtest-progress"));
    }

    /// <summary>Two stored objects, oldest first in reading order; the second opens only after the gate.</summary>
    private sealed class GatedLogs(Task gate) : IRuleBackTestLogs
    {
        public Task<StoredLogListing> ListAsync(string tenantId, int maxObjects, CancellationToken cancellationToken) =>
            Task.FromResult(new StoredLogListing(
                [
                    new StoredLogObject("second.json", async _ =>
                    {
                        await gate;
                        return new MemoryStream(System.Text.Encoding.UTF8.GetBytes(RuleTestData.TestEvents("UpdateSAMLProvider")));
                    }),
                    new StoredLogObject("first.json", _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(RuleTestData.TestEvents("UpdateSAMLProvider"))))),
                ],
                []));
    }
}
