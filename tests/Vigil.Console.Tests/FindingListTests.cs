using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;

namespace Vigil.Console.Tests;

public sealed class FindingListTests : ConsoleComponentTest
{
    [Theory]
    [InlineData(2.0, "Low 2.0", "mud-chip-color-info")]
    [InlineData(3.9, "Low 3.9", "mud-chip-color-info")]
    [InlineData(4.0, "Medium 4.0", "mud-chip-color-warning")]
    [InlineData(6.9, "Medium 6.9", "mud-chip-color-warning")]
    [InlineData(7.0, "High 7.0", "mud-chip-color-error")]
    [InlineData(8.9, "High 8.9", "mud-chip-color-error")]
    [InlineData(9.0, "Critical 9.0", "mud-chip-color-tertiary")]
    [InlineData(10.0, "Critical 10.0", "mud-chip-color-tertiary")]
    public void Row_ShowsSeverityChip(double severity, string expectedText, string expectedColorClass)
    {
        Queries.Add(TenantId, TestFindings.Create("f1", severity));

        var page = RenderPage<FindingList>();

        var chip = page.WaitForElement("tbody .vigil-severity");
        Assert.Equal(expectedText, chip.TextContent.Trim());
        Assert.Contains(expectedColorClass, chip.ClassList);
    }

    [Fact]
    public void OverviewSeverityLink_ListsOnlyThatBand()
    {
        Queries
            .Add(TenantId, TestFindings.Create("low-1", 2.0))
            .Add(TenantId, TestFindings.Create("medium-1", 5.0))
            .Add(TenantId, TestFindings.Create("critical-1", 10.0));

        var page = RenderAt("findings?severity=low");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        Assert.Contains("Low 2.0", page.Find("tbody .vigil-severity").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void OverviewCriticalLink_IncludesTopScore()
    {
        Queries
            .Add(TenantId, TestFindings.Create("high-1", 8.9))
            .Add(TenantId, TestFindings.Create("critical-1", 10.0));

        var page = RenderAt("findings?severity=critical");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        Assert.Contains("Critical 10.0", page.Find("tbody .vigil-severity").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void OverviewDayLink_OtherDay_ListsNothing()
    {
        Queries.Add(TenantId, TestFindings.Create("f1", 2.0));

        var page = RenderAt("findings?from=2025-03-06T00:00:00Z&to=2025-03-07T00:00:00Z");

        page.WaitForAssertion(() => Assert.Contains("No active findings match", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("tbody tr.mud-table-row"));
    }

    [Fact]
    public void OverviewDayAndTypeLink_ListsThatType()
    {
        Queries
            .Add(TenantId, TestFindings.Create("f1", 2.0, type: "Policy:IAMUser/RootCredentialUsage"))
            .Add(TenantId, TestFindings.Create("f2", 2.0, type: "Stealth:IAMUser/CloudTrailLoggingDisabled"));

        var page = RenderAt("findings?from=2025-03-05T00:00:00Z&to=2025-03-06T00:00:00Z&type=" + Uri.EscapeDataString("Policy:IAMUser/RootCredentialUsage"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        Assert.Contains("RootCredentialUsage", page.Find("tbody tr.mud-table-row").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void OverviewLink_InvalidSeverity_SaysSo()
    {
        Queries.Add(TenantId, TestFindings.Create("f1", 2.0));

        var page = RenderAt("findings?severity=severe");

        page.WaitForAssertion(() => Assert.Contains("The link's severity could not be read", page.Markup, StringComparison.Ordinal));
        Assert.Single(page.FindAll("tbody tr.mud-table-row"));
    }

    private IRenderedComponent<FindingList> RenderAt(string relativeUri)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUri);
        return RenderPage<FindingList>();
    }

    [Fact]
    public void Rows_ShowOneRowPerFinding()
    {
        Queries
            .Add(TenantId, TestFindings.Create("f1", 2.0))
            .Add(TenantId, TestFindings.Create("f2", 8.0));

        var page = RenderPage<FindingList>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr.mud-table-row").Count));
    }

    [Fact]
    public void Row_ShowsColumns()
    {
        Queries.Add(TenantId, TestFindings.Create("f1", userName: "bob"));

        var page = RenderPage<FindingList>();

        var row = page.WaitForElement("tbody tr.mud-table-row");
        Assert.Contains("UnauthorizedAccess:IAMUser/MaliciousIPCaller", row.TextContent);
        Assert.Contains("bob", row.TextContent);
        Assert.Contains("111122223333", row.TextContent);
        Assert.Contains("eu-west-1", row.TextContent);
        Assert.Contains("2025-03-04 05:06:07Z", row.TextContent);
        Assert.Contains("2025-03-05 18:30:00Z", row.TextContent);
    }

    [Fact]
    public void Row_LinksToDetail()
    {
        Queries.Add(TenantId, TestFindings.Create("0123456789abcdef0123456789abcdef"));

        var page = RenderPage<FindingList>();

        var link = page.WaitForElement("tbody a.vigil-finding-link");
        Assert.Equal("findings/0123456789abcdef0123456789abcdef", link.GetAttribute("href"));
    }

    [Fact]
    public void List_QueriesTenantFromClaim()
    {
        Queries
            .Add(TenantId, TestFindings.Create("mine"))
            .Add(OtherTenantId, TestFindings.Create("theirs"));

        var page = RenderPage<FindingList>();

        page.WaitForAssertion(() => Assert.NotEmpty(Queries.ListRequests));
        Assert.All(Queries.ListRequests, request => Assert.Equal(TenantId, request.TenantId));
        Assert.DoesNotContain("findings/theirs", page.Markup);
    }

    [Fact]
    public void List_FirstQueryUsesDefaults()
    {
        var page = RenderPage<FindingList>();

        page.WaitForAssertion(() => Assert.NotEmpty(Queries.ListRequests));
        var query = Queries.ListRequests[0].Query;
        Assert.Null(query.After);
        Assert.Empty(query.Criteria.Criteria);
        Assert.Equal(25, query.Limit);
        Assert.Equal(Contracts.Storage.FindingSortField.LastSeen, query.SortBy);
        Assert.True(query.Descending);
        Assert.False(query.IncludeArchived);
    }

    [Fact]
    public void SortHeaders_AreTabStops()
    {
        var page = RenderPage<FindingList>();

        var labels = page.FindAll("th .mud-table-sort-label");
        Assert.Equal(8, labels.Count);
        Assert.All(labels, label => Assert.Equal("0", label.GetAttribute("tabindex")));
        Assert.All(labels, label => Assert.Equal("button", label.GetAttribute("role")));
    }

    [Fact]
    public void SortHeader_EnterSortsBySeverity()
    {
        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.NotEmpty(Queries.ListRequests));

        page.Find("th .mud-table-sort-label").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        page.WaitForAssertion(() => Assert.Equal(Contracts.Storage.FindingSortField.Severity, Queries.ListRequests[^1].Query.SortBy));
        Assert.False(Queries.ListRequests[^1].Query.Descending);
    }

    [Fact]
    public void List_ShowsEmptyState()
    {
        var page = RenderPage<FindingList>();

        page.WaitForAssertion(() => Assert.Contains("No active findings match.", page.Find(".vigil-empty").TextContent));
    }

    [Fact]
    public void ArchivedSwitch_ReloadsWithArchived()
    {
        Queries.Add(TenantId, TestFindings.Create("old", archived: true));
        var page = RenderPage<FindingList>();
        page.WaitForAssertion(() => Assert.NotEmpty(Queries.ListRequests));

        page.Find("input[type=checkbox]").Change(true);

        page.WaitForAssertion(() => Assert.True(Queries.ListRequests[^1].Query.IncludeArchived));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
    }

    [Fact]
    public void HostileValues_RenderAsText()
    {
        Queries.Add(TenantId, TestFindings.Create("f1", type: "<script>alert(1)</script>", userName: "<img src=x onerror=alert(1)>"));

        var page = RenderPage<FindingList>();

        page.WaitForElement("tbody tr.mud-table-row");
        // The type is rendered in parts with line-break opportunities after ':' and '/', so compare its text.
        Assert.Equal("<script>alert(1)</script>", page.Find(".vigil-finding-link").TextContent.Trim());
        Assert.Contains("&lt;script&gt;alert(1)&lt;", page.Markup);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page.Markup);
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
    }

    [Fact]
    public void ControlCharacters_ShownEscaped()
    {
        Queries.Add(TenantId, TestFindings.Create("f1", userName: "eve\r\n\u001b[31mroot"));

        var page = RenderPage<FindingList>();

        var row = page.WaitForElement("tbody tr.mud-table-row");
        Assert.Contains(@"eve\r\n\u001b[31mroot", row.TextContent);
    }

    [Fact]
    public void StoreFailure_ShowsError()
    {
        Queries.Failure = new InvalidOperationException("connection refused");

        var page = RenderPage<FindingList>();

        page.WaitForAssertion(() => Assert.Contains("could not be loaded", page.Find("[role=alert]").TextContent));
        Assert.DoesNotContain("connection refused", page.Markup);
    }

    [Fact]
    public void MissingTenantClaim_ShowsError()
    {
        AddAuthorization().SetAuthorized("no-tenant");

        var page = RenderPage<FindingList>();

        Assert.Contains("no tenant", page.Find("[role=alert]").TextContent);
        Assert.Empty(Queries.ListRequests);
    }
}
