using Vigil.Console.Display;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class OverviewWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Week_EndsAfterToday()
    {
        var window = OverviewWindow.For(OverviewRange.Week, Now, Now.AddHours(-2));

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), window.From);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), window.To);
        Assert.Equal(OverviewBucket.Day, window.Bucket);
        Assert.False(window.AnchoredAtNewest);
    }

    [Fact]
    public void OldNewestFinding_Anchors()
    {
        var window = OverviewWindow.For(OverviewRange.Day, Now, new DateTimeOffset(2026, 11, 30, 7, 15, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), window.To);
        Assert.Equal(window.To.AddHours(-24), window.From);
        Assert.True(window.AnchoredAtNewest);
    }

    [Fact]
    public void NoFindings_EndsNow()
    {
        var window = OverviewWindow.For(OverviewRange.Month, Now, null);

        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), window.To);
        Assert.Equal(30, (window.To - window.From).TotalDays);
    }

    [Theory]
    [InlineData("24h", OverviewRange.Day)]
    [InlineData("30d", OverviewRange.Month)]
    [InlineData("7d", OverviewRange.Week)]
    [InlineData("<script>", OverviewRange.Week)]
    [InlineData(null, OverviewRange.Week)]
    public void Parse_UnknownMeansWeek(string? value, OverviewRange expected) => Assert.Equal(expected, OverviewRanges.Parse(value));

    [Fact]
    public void FindingsLink_EscapesEveryValue()
    {
        var link = new FindingsLink
        {
            Type = "Recon:IAMUser/A&b=c",
            Severity = SeverityLevel.Critical,
            Resource = "a b#c",
            Account = "111122223333",
            From = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            To = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.FromHours(1)),
        };

        Assert.Equal("findings?type=Recon%3AIAMUser%2FA%26b%3Dc&severity=critical&resource=a%20b%23c&account=111122223333&from=2026-12-01T00%3A00%3A00Z&to=2026-12-01T23%3A00%3A00Z", link.Href);
    }

    [Fact]
    public void FindingsLink_LeavesOutEmptyValues() => Assert.Equal("findings?account=1", new FindingsLink { Account = "1", Resource = "" }.Href);
}
