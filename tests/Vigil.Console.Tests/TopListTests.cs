using Bunit;
using Vigil.Console.Components.Shared;
using Vigil.Contracts.Profiles;

namespace Vigil.Console.Tests;

public sealed class TopListTests : ConsoleComponentTest
{
    [Fact]
    public void Empty_ShowsEmptyText()
    {
        var list = Render<TopList>(parameters => parameters.Add(list => list.Items, []).Add(list => list.EmptyText, "Nothing here."));

        Assert.Equal("Nothing here.", list.Find(".vigil-empty").TextContent);
    }

    [Fact]
    public void Items_RankedWithSeverityAndCount()
    {
        var list = Render<TopList>(parameters => parameters.Add(list => list.Items, [
            new TopListItem("alice\nadmin", "AccessKey", 12_345, 8, "findings?resource=alice", "principals/profile?key=k"),
            new TopListItem("bob", null, 2, 3, "findings?resource=bob"),
        ]));

        var rows = list.FindAll("li");
        Assert.Equal(2, rows.Count);
        Assert.Equal(@"alice\nadmin", rows[0].QuerySelector(".vigil-top-link")!.TextContent);
        Assert.Equal("12,345", rows[0].QuerySelector(".vigil-top-count")!.TextContent);
        Assert.Contains("High 8.0", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("principals/profile?key=k", rows[0].QuerySelector(".vigil-profile-link")!.GetAttribute("href"));
        Assert.Null(rows[1].QuerySelector(".vigil-profile-link"));
    }

    [Fact]
    public void ProfileValues_HashedDimensionShowsCount()
    {
        var values = Render<ProfileValues>(parameters => parameters.Add(component => component.Dimension, new ProfileDimensionSummary("ApiNetwork", 42, [])));

        Assert.Equal("42 kept as hashes", values.Markup.Trim().Replace("<span>", "", StringComparison.Ordinal).Replace("</span>", "", StringComparison.Ordinal));
    }

    [Fact]
    public void ProfileValues_MoreThanListedSaysSo()
    {
        var values = Render<ProfileValues>(parameters => parameters.Add(component => component.Dimension,
            new ProfileDimensionSummary("Api", 30, [new ProfileValueSummary("iam:ListUsers", ValueFrequency.Frequent)])));

        Assert.Contains("iam:ListUsers (frequent)", values.Find(".vigil-profile-value").TextContent, StringComparison.Ordinal);
        Assert.Contains("30 kept in all", values.Find(".vigil-more").TextContent, StringComparison.Ordinal);
    }
}
