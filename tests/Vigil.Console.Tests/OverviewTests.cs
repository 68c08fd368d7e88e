using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class OverviewTests : ConsoleComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Today = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeOverviewQueries overview = new();

    public OverviewTests()
    {
        Services.AddSingleton<IOverviewQueries>(overview);
        Services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Overview_AsksForSignedInTenantOverSevenDays()
    {
        RenderOverview();

        var (tenantId, query) = Assert.Single(overview.OverviewRequests);
        Assert.Equal(TenantId, tenantId);
        Assert.Equal(OverviewBucket.Day, query.Bucket);
        Assert.Equal(Today.AddDays(-6), query.From);
        Assert.Equal(Today.AddDays(1), query.To);
    }

    [Fact]
    public void Range24h_AsksForHours()
    {
        var page = RenderOverview("24h");

        var (_, query) = Assert.Single(overview.OverviewRequests);
        Assert.Equal(OverviewBucket.Hour, query.Bucket);
        Assert.Equal(Now.AddMinutes(30).AddHours(-24), query.From);
        Assert.Equal("true", page.FindAll(".vigil-range-option").Single(link => link.TextContent.Contains("24 hours", StringComparison.Ordinal)).GetAttribute("aria-current"));
    }

    [Fact]
    public void BucketCount_LinksToFindingsOfThatDayAndSeverity()
    {
        overview.Overviews[TenantId] = OverviewWith(timeline: [new SeverityBucket(Today.AddDays(-1), 0, 2, 0, 0)]);

        var page = RenderOverview();

        var link = Assert.Single(page.FindAll(".vigil-bucket-link"));
        Assert.Equal("2", link.TextContent);
        Assert.Equal("findings?severity=medium&from=2026-12-04T00%3A00%3A00Z&to=2026-12-05T00%3A00%3A00Z", link.GetAttribute("href"));
    }

    [Fact]
    public void ChartSeries_OpensFindingsOfThatSeverity()
    {
        overview.Overviews[TenantId] = OverviewWith(timeline: [new SeverityBucket(Today, 0, 0, 3, 0)]);
        var page = RenderOverview();

        page.InvokeAsync(() => page.FindComponent<MudChart<double>>().Instance.SelectedIndexChanged.InvokeAsync(2));

        var navigation = Services.GetRequiredService<NavigationManager>();
        Assert.EndsWith("findings?severity=high&from=2026-11-29T00%3A00%3A00Z&to=2026-12-06T00%3A00%3A00Z", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void TopLists_LinkToNarrowedFindingsAndProfile()
    {
        overview.Overviews[TenantId] = OverviewWith(
            types: [new FindingTypeCount("Recon:IAMUser/MaliciousIPCaller", 4, 9, 5)],
            resources: [new ResourceCount("Instance", "i-0abc", 3, 3, 8)],
            principals: [new PrincipalCount("111122223333/arn:aws:iam::111122223333:user/alice", "111122223333", "alice", 2, 2, 8)]);

        var page = RenderOverview();

        Assert.Equal("findings?type=Recon%3AIAMUser%2FMaliciousIPCaller&from=2026-11-29T00%3A00%3A00Z&to=2026-12-06T00%3A00%3A00Z", page.Find(".vigil-top-types a").GetAttribute("href"));
        Assert.Equal("findings?resource=i-0abc&from=2026-11-29T00%3A00%3A00Z&to=2026-12-06T00%3A00%3A00Z", page.Find(".vigil-top-resources a").GetAttribute("href"));
        Assert.Equal("findings?resource=alice&account=111122223333&from=2026-11-29T00%3A00%3A00Z&to=2026-12-06T00%3A00%3A00Z", page.Find(".vigil-top-principals .vigil-top-link").GetAttribute("href"));
        Assert.Equal("principals/profile?key=111122223333%2Farn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice", page.Find(".vigil-top-principals .vigil-profile-link").GetAttribute("href"));
        Assert.Equal("4", page.Find(".vigil-top-types .vigil-top-count").TextContent);
    }

    [Fact]
    public void HostileResource_RenderedAsText()
    {
        overview.Overviews[TenantId] = OverviewWith(resources: [new ResourceCount("AccessKey", "<img src=x onerror=alert(1)>", 1, 1, 5)]);

        var page = RenderOverview();

        Assert.Equal("<img src=x onerror=alert(1)>", page.Find(".vigil-top-resources .vigil-top-link").TextContent);
        Assert.Empty(page.FindAll("img"));
    }

    [Fact]
    public void OldFindings_RangeEndsAtNewest()
    {
        overview.NewestTimes[TenantId] = new DateTimeOffset(2026, 9, 1, 13, 0, 0, TimeSpan.Zero);

        var page = RenderOverview();

        var (_, query) = Assert.Single(overview.OverviewRequests);
        Assert.Equal(new DateTimeOffset(2026, 9, 2, 0, 0, 0, TimeSpan.Zero), query.To);
        Assert.Contains("the range ends at the newest finding", page.Find(".vigil-anchored").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_ShowHealthAndLinkToAccountFindings()
    {
        var source = new SourceDefinition { Id = Guid.NewGuid(), TenantId = TenantId, Name = "trail", Kind = SourceKind.Folder, AccountIds = ["111122223333"], UpdatedAt = Now, UpdatedBy = "admin" };
        await Sources.SaveAsync(source, CancellationToken.None);
        await Sources.RecordProgressAsync(new SourceProgress { TenantId = TenantId, SourceId = source.Id, ObjectsFailed = 1, RecordsRejected = 3, Error = "gzip: <b>bad</b>", At = Now }, CancellationToken.None);

        var page = RenderOverview();

        Assert.Equal("findings?account=111122223333", page.Find(".vigil-source-link").GetAttribute("href"));
        Assert.Equal("Failing", page.Find(".vigil-source-state").TextContent.Trim());
        Assert.Equal("3", page.Find(".vigil-source-rejected").TextContent);
        Assert.Equal("gzip: <b>bad</b>", page.Find(".vigil-source-error").TextContent);
    }

    [Fact]
    public void StoreFailure_ShowsError()
    {
        overview.Failure = new InvalidOperationException("database down");

        var page = RenderOverview();

        Assert.Contains("could not be loaded", page.Find(".vigil-overview-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTenantClaim_NoQuery()
    {
        Authorization.SetClaims();

        var page = RenderOverview();

        Assert.Empty(overview.OverviewRequests);
        Assert.Contains("carries no tenant", page.Markup, StringComparison.Ordinal);
    }

    private IRenderedComponent<Overview> RenderOverview(string? range = null)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("range", range));
        return RenderPage<Overview>();
    }

    private static FindingOverview OverviewWith(
        IReadOnlyList<SeverityBucket>? timeline = null,
        IReadOnlyList<FindingTypeCount>? types = null,
        IReadOnlyList<ResourceCount>? resources = null,
        IReadOnlyList<PrincipalCount>? principals = null) =>
        new(timeline ?? [], types ?? [], resources ?? [], principals ?? []);
}

/// <summary>A clock that always returns one time.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
