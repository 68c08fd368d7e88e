using MudBlazor;
using Vigil.Console.Components.Pages;
using Vigil.Console.Display;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class FindingQueryMappingTests
{
    [Theory]
    [InlineData(FindingSortLabels.Severity, FindingSortField.Severity)]
    [InlineData(FindingSortLabels.Type, FindingSortField.Type)]
    [InlineData(FindingSortLabels.Resource, FindingSortField.Resource)]
    [InlineData(FindingSortLabels.Account, FindingSortField.AccountId)]
    [InlineData(FindingSortLabels.Count, FindingSortField.Count)]
    [InlineData(FindingSortLabels.FirstSeen, FindingSortField.FirstSeen)]
    [InlineData(FindingSortLabels.LastSeen, FindingSortField.LastSeen)]
    public void SortLabel_MapsToField(string label, FindingSortField expected)
    {
        var query = Create(new TableState { SortLabel = label, SortDirection = SortDirection.Ascending });

        Assert.Equal(expected, query.SortBy);
        Assert.False(query.Descending);
    }

    [Fact]
    public void Descending_Kept()
    {
        var query = Create(new TableState { SortLabel = FindingSortLabels.Severity, SortDirection = SortDirection.Descending });

        Assert.Equal(FindingSortField.Severity, query.SortBy);
        Assert.True(query.Descending);
    }

    [Fact]
    public void Unsorted_DefaultsToLastSeenDescending()
    {
        var query = Create(new TableState { SortLabel = FindingSortLabels.Count, SortDirection = SortDirection.None });

        Assert.Equal(FindingSortField.LastSeen, query.SortBy);
        Assert.True(query.Descending);
    }

    [Fact]
    public void RegionLabel_MapsToRegion()
    {
        var query = Create(new TableState { SortLabel = "region", SortDirection = SortDirection.Ascending });

        Assert.Equal(FindingSortField.Region, query.SortBy);
        Assert.False(query.Descending);
    }

    [Fact]
    public void UnknownLabel_DefaultsToLastSeenDescending()
    {
        var query = Create(new TableState { SortLabel = "not-a-column", SortDirection = SortDirection.Ascending });

        Assert.Equal(FindingSortField.LastSeen, query.SortBy);
        Assert.True(query.Descending);
    }

    [Fact]
    public void CursorCriteriaAndArchived_PassedThrough()
    {
        var criteria = FindingCriteria.Empty.With(new FindingCriterion("type", CriterionOperator.Equals, ["x"]));

        var query = FindingList.CreateQuery(new TableState(), criteria, includeArchived: true, pageSize: 50, after: "cursor");

        Assert.Equal("cursor", query.After);
        Assert.Same(criteria, query.Criteria);
        Assert.Equal(50, query.Limit);
        Assert.True(query.IncludeArchived);
    }

    [Fact]
    public void PageSize_ClampedToLargestOption()
    {
        var query = FindingList.CreateQuery(new TableState(), FindingCriteria.Empty, includeArchived: false, pageSize: 10_000, after: null);

        Assert.Equal(100, query.Limit);
    }

    private static FindingListQuery Create(TableState state) =>
        FindingList.CreateQuery(state, FindingCriteria.Empty, includeArchived: false, pageSize: 25, after: null);
}
