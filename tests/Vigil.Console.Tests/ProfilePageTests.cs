using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Profiles;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class ProfilePageTests : ConsoleComponentTest
{
    private const string AliceKey = "111122223333/arn:aws:iam::111122223333:user/alice";
    private const string EniKey = "111122223333/eni:eni-0abc";

    private readonly FakeOverviewQueries queries = new();
    private readonly FakeProfileReader profiles = new();

    public ProfilePageTests()
    {
        Services.AddSingleton<IOverviewQueries>(queries);
        Services.AddSingleton<IProfileReader>(profiles);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("no-slash")]
    [InlineData("/arn:aws:iam::1:user/x")]
    public void InvalidKey_NoGrainCall(string? key)
    {
        var page = RenderProfile(key);

        Assert.Empty(profiles.Requests);
        Assert.Contains("missing or invalid", page.Find(".vigil-profile-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Principal_ShowsLearnedValuesForSignedInTenant()
    {
        profiles.Principals[(TenantId, AliceKey)] = new PrincipalProfileView(
            new PrincipalSummary
            {
                Key = AliceKey,
                EventsApplied = 1_234,
                LastSignInPlace = "Lisbon, PT",
                LastSignInTime = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero),
                Profile = Profile(learning: false, ("Api", [new ProfileValueSummary("iam:ListUsers", ValueFrequency.Frequent), new ProfileValueSummary("<b>s3:Get</b>", ValueFrequency.Rare)])),
            },
            Profile(learning: true, ("Api", [new ProfileValueSummary("ec2:DescribeInstances", ValueFrequency.Infrequent)])));
        queries.FindingsByKey[(TenantId, AliceKey)] = [Summary("f1", "Recon:IAMUser/AnomalousBehavior")];

        var page = RenderProfile(AliceKey);

        Assert.Equal((TenantId, AliceKey), Assert.Single(profiles.Requests));
        Assert.Equal((TenantId, AliceKey), Assert.Single(queries.ListRequests));
        Assert.Equal("arn:aws:iam::111122223333:user/alice", page.Find(".vigil-profile-name").TextContent);
        Assert.Contains("Scoring", page.Find(".vigil-learning-state").TextContent, StringComparison.Ordinal);
        Assert.Contains("Learning", page.Find(".vigil-account-learning").TextContent, StringComparison.Ordinal);
        Assert.Equal("1,234", page.Find(".vigil-events-applied").TextContent.Trim());
        var api = page.FindAll(".vigil-dimension")[0];
        Assert.Contains("iam:ListUsers (frequent)", api.Children[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("<b>s3:Get</b> (rare)", api.Children[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("ec2:DescribeInstances (infrequent)", api.Children[2].TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".vigil-dimension b"));
        Assert.Equal("findings/f1", page.Find(".vigil-profile-findings .vigil-finding-link").GetAttribute("href"));
        Assert.NotNull(page.Find(".vigil-hours-chart"));
    }

    [Fact]
    public void EmptyPrincipal_SaysNothingLearned()
    {
        var page = RenderProfile(AliceKey);

        Assert.Contains("Nothing learned yet", page.Find(".vigil-learning-state").TextContent, StringComparison.Ordinal);
        Assert.Contains("No activity counted yet", page.Markup, StringComparison.Ordinal);
        Assert.Contains("No findings.", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_ShowsCounters()
    {
        profiles.Endpoints[(TenantId, EniKey)] = new EndpointSummary { Key = EniKey, FlowsApplied = 5_000, QueriesApplied = 7 };

        var page = RenderProfile(EniKey);

        Assert.Equal((TenantId, EniKey), Assert.Single(profiles.Requests));
        Assert.Contains("Endpoint profile", page.Find("h1").TextContent, StringComparison.Ordinal);
        Assert.Equal("5,000", page.Find(".vigil-flows-applied").TextContent.Trim());
        Assert.Empty(page.FindAll(".vigil-profile-dimensions"));
    }

    [Fact]
    public void Endpoint_ShowsLearnedBaselineOfSignedInTenant()
    {
        var day = new DateOnly(2026, 11, 30);
        profiles.Endpoints[(TenantId, EniKey)] = new EndpointSummary
        {
            Key = EniKey,
            FlowsApplied = 5_000,
            Profile = new EndpointProfileSummary
            {
                IsLearning = false,
                RecordCount = 5_007,
                ActiveDays = 30,
                FirstDay = day.AddDays(-29),
                LastDay = day,
                PeerDays = 41.5,
                TypicalPeerDayBytes = 2_500_000,
                LargestPeerDayBytes = 48_000_000,
                TimedPeers = 3,
                Tables =
                [
                    new EndpointTableSummary("RemotePort", 3, [
                        new EndpointValueSummary("tcp/443", ValueFrequency.Frequent, 29.1, day, null),
                        new EndpointValueSummary("tcp/25", ValueFrequency.Infrequent, 2.0, day.AddDays(-3), null),
                        new EndpointValueSummary("<b>udp/123</b>", ValueFrequency.Rare, 0.5, day.AddDays(-20), null)]),
                    new EndpointTableSummary("Peer", 250, [
                        new EndpointValueSummary("198.51.100.7", ValueFrequency.Frequent, 30, day, 120_000_000),
                        new EndpointValueSummary("203.0.113.9", ValueFrequency.Rare, 0.8, day.AddDays(-9), 900)]),
                    new EndpointTableSummary("DnsResolver", 1, [new EndpointValueSummary("8.8.8.8", ValueFrequency.Rare, 0.7, day.AddDays(-12), null)]),
                    new EndpointTableSummary("DotServer", 0, []),
                ],
            },
        };
        profiles.Endpoints[(OtherTenantId, EniKey)] = new EndpointSummary
        {
            Key = EniKey,
            Profile = new EndpointProfileSummary { IsLearning = false, RecordCount = 1, Tables = [new EndpointTableSummary("RemotePort", 1, [new EndpointValueSummary("tcp/6667", ValueFrequency.Frequent, 30, day, null)])] },
        };

        var page = RenderProfile(EniKey);

        Assert.Equal((TenantId, EniKey), Assert.Single(profiles.Requests));
        Assert.Contains("Scoring", page.Find(".vigil-endpoint-learning").TextContent, StringComparison.Ordinal);
        Assert.Contains("used (infrequent, 2.0 days a month, last 2026-11-27)", page.Find(".vigil-port25").TextContent, StringComparison.Ordinal);
        Assert.Contains("typically 2.5 MB, at most 48.0 MB, over 41.5 peer-days", page.Find(".vigil-volume").TextContent, StringComparison.Ordinal);
        var ports = page.FindAll(".vigil-endpoint-ports .vigil-endpoint-value");
        Assert.Equal(3, ports.Count);
        Assert.Equal(["tcp/443", "frequent", "29.1", "2026-11-30"], ports[0].Children.Select(cell => cell.TextContent.Trim()));
        Assert.Equal("<b>udp/123</b>", ports[2].Children[0].TextContent);
        Assert.Empty(page.FindAll(".vigil-endpoint-ports b"));
        var peers = page.FindAll(".vigil-endpoint-peers .vigil-endpoint-value");
        Assert.Equal(["198.51.100.7", "frequent", "30.0", "2026-11-30", "120.0 MB"], peers[0].Children.Select(cell => cell.TextContent.Trim()));
        Assert.Equal("900 B", peers[1].Children[4].TextContent.Trim());
        Assert.Contains("heaviest of 250 kept", page.Markup, StringComparison.Ordinal);
        Assert.Contains("198.51.100.7 120.0 MB", page.Find(".vigil-peers-chart").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.NotNull(page.Find(".vigil-ports-chart svg"));
        var dns = page.FindAll(".vigil-endpoint-dns .vigil-dimension");
        Assert.Contains("8.8.8.8 (rare)", dns[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("none", dns[2].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("tcp/6667", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyEndpoint_SaysNothingLearned()
    {
        var page = RenderProfile(EniKey);

        Assert.Contains("Nothing learned yet", page.Find(".vigil-endpoint-learning").TextContent, StringComparison.Ordinal);
        Assert.Contains("not used", page.Find(".vigil-port25").TextContent, StringComparison.Ordinal);
        Assert.Contains("No remote port counted yet.", page.Markup, StringComparison.Ordinal);
        Assert.Contains("No peer counted yet.", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".vigil-peers-chart"));
    }

    private IRenderedComponent<ProfilePage> RenderProfile(string? key)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("key", key));
        return RenderPage<ProfilePage>();
    }

    private static BehaviorProfileSummary Profile(bool learning, params (string Dimension, ProfileValueSummary[] Values)[] dimensions) => new()
    {
        IsLearning = learning,
        EventCount = 10,
        ActiveDays = 5,
        FirstDay = new DateOnly(2026, 11, 1),
        LastDay = new DateOnly(2026, 11, 30),
        Dimensions = [.. dimensions.Select(item => new ProfileDimensionSummary(item.Dimension, item.Values.Length, item.Values))],
        HourWeights = [.. Enumerable.Range(0, 24).Select(hour => hour is 9 or 10 ? 3.0 : 0.0)],
    };

    private static FindingSummary Summary(string id, string type) => new()
    {
        Id = id,
        Type = type,
        Severity = 5,
        ResourceType = "AccessKey",
        Resource = "alice",
        AccountId = "111122223333",
        Region = "eu-west-1",
        Count = 1,
        EventFirstSeen = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero),
        EventLastSeen = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero),
        Title = "Unusual API",
        Archived = false,
    };
}
