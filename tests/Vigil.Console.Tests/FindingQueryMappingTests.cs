using MudBlazor;
using Vigil.Console.Components.Pages;
using Vigil.Console.Display;
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
        var query = FindingList.CreateQuery(new TableState { SortLabel = label, SortDirection = SortDirection.Ascending }, includeArchived: false);

        Assert.Equal(expected, query.SortBy);
        Assert.False(query.Descending);
    }

    [Fact]
    public void Descending_Kept()
    {
        var query = FindingList.CreateQuery(new TableState { SortLabel = FindingSortLabels.Severity, SortDirection = SortDirection.Descending }, includeArchived: false);

        Assert.Equal(FindingSortField.Severity, query.SortBy);
        Assert.True(query.Descending);
    }

    [Fact]
    public void Unsorted_DefaultsToLastSeenDescending()
    {
        var query = FindingList.CreateQuery(new TableState { SortLabel = FindingSortLabels.Count, SortDirection = SortDirection.None }, includeArchived: false);

        Assert.Equal(FindingSortField.LastSeen, query.SortBy);
        Assert.True(query.Descending);
    }

    [Fact]
    public void RegionLabel_MapsToRegion()
    {
        var query = FindingList.CreateQuery(new TableState { SortLabel = "region", SortDirection = SortDirection.Ascending }, includeArchived: false);

        Assert.Equal(FindingSortField.Region, query.SortBy);
        Assert.False(query.Descending);
    }

    [Fact]
    public void UnknownLabel_DefaultsToLastSeenDescending()
    {
        var query = FindingList.CreateQuery(new TableState { SortLabel = "not-a-column", SortDirection = SortDirection.Ascending }, includeArchived: false);

        Assert.Equal(FindingSortField.LastSeen, query.SortBy);
        Assert.True(query.Descending);
    }

    [Fact]
    public void Page_MapsToOffset()
    {
        var query = FindingList.CreateQuery(new TableState { Page = 3, PageSize = 50 }, includeArchived: true);

        Assert.Equal(150, query.Offset);
        Assert.Equal(50, query.Limit);
        Assert.True(query.IncludeArchived);
    }

    [Fact]
    public void PageSize_ClampedToLargestOption()
    {
        var query = FindingList.CreateQuery(new TableState { Page = 0, PageSize = 10_000 }, includeArchived: false);

        Assert.Equal(100, query.Limit);
    }
}
