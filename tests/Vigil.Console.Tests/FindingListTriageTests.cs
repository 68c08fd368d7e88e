using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>The findings page's filter, saved filters, paging, grouping, bulk archiving, feedback and live updates.</summary>
public sealed class FindingListTriageTests : ConsoleComponentTest
{
    [Fact]
    public void ApplyFilter_SendsCriteriaAndShowsMatches()
    {
        Queries.Add(TenantId, TestFindings.Create("high", severity: 8)).Add(TenantId, TestFindings.Create("low", severity: 2));
        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr.mud-table-row").Count));

        page.Find(".vigil-criterion-add").Click();
        page.Find(".vigil-criterion-field").Change("severity");
        page.Find(".vigil-criterion-operator").Change(nameof(CriterionOperator.GreaterThanOrEqual));
        page.Find(".vigil-criterion-values").Change("7");
        page.Find(".vigil-apply-filter").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        var criterion = Assert.Single(Queries.ListRequests[^1].Query.Criteria.Criteria);
        Assert.Equal(("severity", CriterionOperator.GreaterThanOrEqual, "7"), (criterion.Field, criterion.Operator, Assert.Single(criterion.Values)));
        Assert.Contains("findings/high", page.Markup);
    }

    [Fact]
    public void ApplyFilter_InvalidField_ShowsReason()
    {
        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.NotEmpty(Queries.ListRequests));
        var requests = Queries.ListRequests.Count;

        page.Find(".vigil-criterion-add").Click();
        page.Find(".vigil-criterion-field").Change("nope");
        page.Find(".vigil-criterion-values").Change("x");
        page.Find(".vigil-apply-filter").Click();

        Assert.Contains("'nope' is not a finding field", page.Find(".vigil-criteria-errors").TextContent);
        Assert.Equal(requests, Queries.ListRequests.Count);
    }

    [Fact]
    public void NextPage_FollowsCursorAndBack()
    {
        for (var i = 0; i < 30; i++)
        {
            Queries.Add(TenantId, TestFindings.Create($"f{i:00}"));
        }

        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr.mud-table-row").Count));

        page.Find(".vigil-next-page").Click();

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.NotNull(Queries.ListRequests[^1].Query.After);
        Assert.True(page.Find(".vigil-next-page").HasAttribute("disabled"));

        page.Find(".vigil-previous-page").Click();

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.Null(Queries.ListRequests[^1].Query.After);
    }

    [Fact]
    public async Task SaveFilter_StoredForUserAndSelectable()
    {
        var page = RenderPage<FindingList>();
        page.Find(".vigil-criterion-add").Click();
        page.Find(".vigil-criterion-field").Change("type");
        page.Find(".vigil-criterion-values").Change("Recon:IAMUser/MaliciousIPCaller.Custom");
        page.Find(".vigil-saved-filter-name").Change("recon");

        page.Find(".vigil-save-filter").Click();

        var saved = Assert.Single(await SavedFilters.ListAsync(TenantId, "analyst1", CancellationToken.None));
        Assert.Equal("recon", saved.Name);
        Assert.Equal("type", Assert.Single(saved.Criteria.Criteria).Field);
        page.WaitForAssertion(() => Assert.Contains("recon", page.Find(".vigil-saved-filter-select").TextContent));
        Assert.Empty(await SavedFilters.ListAsync(TenantId, "someone-else", CancellationToken.None));
    }

    [Fact]
    public void GroupByType_ShowsCountsAndNarrows()
    {
        Queries
            .Add(TenantId, TestFindings.Create("a1", type: "TypeA"))
            .Add(TenantId, TestFindings.Create("a2", type: "TypeA"))
            .Add(TenantId, TestFindings.Create("b1", type: "TypeB"));
        var page = RenderPage<FindingList>();

        page.Find(".vigil-group-by").Change(nameof(FindingGrouping.Type));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".vigil-groups tbody tr").Count));
        var first = page.FindAll(".vigil-groups tbody tr")[0];
        Assert.Contains("TypeA", first.TextContent);
        Assert.Contains("2", first.TextContent);

        page.Find(".vigil-group-link").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.Equal("TypeA", Queries.ListRequests[^1].Query.Criteria.Criteria.Single().Values.Single());
    }

    [Fact]
    public void ArchiveSelected_ArchivesCheckedRows()
    {
        Queries.Add(TenantId, TestFindings.Create("one")).Add(TenantId, TestFindings.Create("two"));
        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr.mud-table-row").Count));

        page.FindAll("tbody tr.mud-table-row input[type=checkbox]")[0].Change(true);
        page.Find(".vigil-archive-selected").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        var request = Assert.Single(Queries.ArchiveRequests);
        Assert.Equal((TenantId, true), (request.TenantId, request.Archived));
        Assert.Contains("1 findings archived", page.Find(".vigil-notice").TextContent);
    }

    [Fact]
    public void ArchiveMatching_UsesFilter()
    {
        Queries.Add(TenantId, TestFindings.Create("high", severity: 8)).Add(TenantId, TestFindings.Create("low", severity: 2));
        var page = RenderPage<FindingList>();
        page.Find(".vigil-criterion-add").Click();
        page.Find(".vigil-criterion-field").Change("severity");
        page.Find(".vigil-criterion-operator").Change(nameof(CriterionOperator.LessThan));
        page.Find(".vigil-criterion-values").Change("5");
        page.Find(".vigil-apply-filter").Click();

        page.Find(".vigil-archive-matching").Click();

        page.WaitForAssertion(() => Assert.Equal(("low", true), (Queries.ArchiveRequests.Single().FindingId, Queries.ArchiveRequests.Single().Archived)));
    }

    [Fact]
    public void Feedback_NotUseful_Stored()
    {
        Queries.Add(TenantId, TestFindings.Create("one"));
        var page = RenderPage<FindingList>();
        page.WaitForElement("tbody tr.mud-table-row");

        page.Find(".vigil-not-useful").Click();

        page.WaitForAssertion(() => Assert.Equal((TenantId, "one", (FindingFeedback?)FindingFeedback.NotUseful), Queries.FeedbackRequests.Single()));
        page.WaitForAssertion(() => Assert.Equal("true", page.Find(".vigil-not-useful").GetAttribute("aria-pressed")));
    }

    [Fact]
    public void LiveUpdate_NewFindingAppearsWithoutReload()
    {
        Queries.Add(TenantId, TestFindings.Create("old"));
        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        page.WaitForAssertion(() => Assert.NotEmpty(Queries.ChangeRequests));

        Queries.Add(TenantId, TestFindings.Create("new"));
        Queries.NextChanges = new FindingChanges(DateTimeOffset.UtcNow, 1);
        Clock.Advance(TimeSpan.FromSeconds(5));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.Contains("findings/new", page.Markup);
        Assert.All(Queries.ChangeRequests, request => Assert.Equal(TenantId, request.TenantId));
    }

    [Fact]
    public void LiveUpdate_OnLaterPage_ShowsBanner()
    {
        for (var i = 0; i < 30; i++)
        {
            Queries.Add(TenantId, TestFindings.Create($"f{i:00}"));
        }

        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.NotEmpty(Queries.ChangeRequests));
        page.Find(".vigil-next-page").Click();
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("tbody tr.mud-table-row").Count));

        Queries.NextChanges = new FindingChanges(DateTimeOffset.UtcNow, 3);
        Clock.Advance(TimeSpan.FromSeconds(5));

        page.WaitForAssertion(() => Assert.Contains("3 new or updated findings", page.Find(".vigil-live-banner").TextContent));
        Assert.Equal(5, page.FindAll("tbody tr.mud-table-row").Count);
    }

    [Fact]
    public void CriteriaFromQueryString_Applied()
    {
        Queries.Add(TenantId, TestFindings.Create("a", type: "TypeA")).Add(TenantId, TestFindings.Create("b", type: "TypeB"));
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("findings?criteria=" + Uri.EscapeDataString("{\"criteria\":[{\"field\":\"type\",\"operator\":\"Equals\",\"values\":[\"TypeB\"]}]}"));

        var page = RenderPage<FindingList>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        Assert.Contains("findings/b", page.Markup);
        Assert.Equal("type", page.Find(".vigil-criterion-field").GetAttribute("value"));
    }
}
