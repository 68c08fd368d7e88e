using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>The trail integrity page: one row per folder and S3 source of the signed-in tenant, with the state of its last check.</summary>
public sealed class TrailIntegrityPageTests : ConsoleComponentTest
{
    private static readonly DateTimeOffset CheckedAt = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private readonly InMemoryTrailIntegrityStore integrity = new();

    public TrailIntegrityPageTests()
    {
        Services.AddSingleton<ITrailIntegrityStore>(integrity);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public async Task CheckedSource_ShowsDigestCountsBreaksAndError()
    {
        var source = await AddSourceAsync(TenantId, "trail bucket", SourceKind.S3Listing);
        integrity.States.Add(new TrailIntegrityState
        {
            TenantId = TenantId,
            SourceId = source.Id,
            NewestDigestEnd = CheckedAt.AddMinutes(-30),
            NewestDigestKey = "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/12/04/111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20261204T113000Z.json.gz",
            LastCheckedAt = CheckedAt,
            LastError = "listing failed: <b>AccessDenied</b>",
            DigestsValid = 1_234,
            DigestsInvalid = 2,
            LogFilesValid = 56_789,
            LogFilesInvalid = 3,
            ChainBreaks = 1,
            ProblemsRaised = 6,
        });

        var page = RenderPage<TrailIntegrity>();

        Assert.Equal("trail bucket", page.Find(".vigil-integrity-source").TextContent);
        Assert.Contains("2026-12-04 11:30:00Z", page.Find(".vigil-integrity-digest").TextContent, StringComparison.Ordinal);
        Assert.Contains("_20261204T113000Z.json.gz", page.Find(".vigil-integrity-digest-key").TextContent, StringComparison.Ordinal);
        Assert.Equal("2026-12-04 12:00:00Z", page.Find(".vigil-integrity-checked").TextContent);
        Assert.Equal("1,234 valid, 2 invalid", page.Find(".vigil-integrity-digests").TextContent);
        Assert.Equal("56,789 valid, 3 invalid", page.Find(".vigil-integrity-logs").TextContent);
        Assert.Equal("1", page.Find(".vigil-integrity-breaks").TextContent);
        Assert.Equal("6", page.Find(".vigil-integrity-problems").TextContent);
        Assert.Contains("listing failed: <b>AccessDenied</b>", page.Find(".vigil-integrity-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".vigil-integrity-error b"));
    }

    [Fact]
    public async Task UncheckedFolderSource_ShownFirehoseLeftOut()
    {
        await AddSourceAsync(TenantId, "local folder", SourceKind.Folder);
        await AddSourceAsync(TenantId, "flow stream", SourceKind.Firehose);

        var page = RenderPage<TrailIntegrity>();

        Assert.Equal("local folder", Assert.Single(page.FindAll(".vigil-integrity-source")).TextContent);
        Assert.Equal("not checked yet", page.Find(".vigil-integrity-checked").TextContent);
        Assert.Equal("-", page.Find(".vigil-integrity-digests").TextContent);
    }

    [Fact]
    public async Task OtherTenantsState_NotShown()
    {
        var other = await AddSourceAsync(OtherTenantId, "secret bucket of b", SourceKind.S3Listing);
        integrity.States.Add(new TrailIntegrityState { TenantId = OtherTenantId, SourceId = other.Id, LastError = "error of b", LastCheckedAt = CheckedAt });

        var page = RenderPage<TrailIntegrity>();

        Assert.Contains("No folder or S3 source yet", page.Find(".vigil-empty").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("secret bucket of b", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("error of b", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void FindingLinks_NarrowFindingsByType()
    {
        var page = RenderPage<TrailIntegrity>();

        var links = page.FindAll(".vigil-integrity-findings a").Select(link => link.GetAttribute("href")).ToList();

        Assert.Equal(5, links.Count);
        Assert.Contains("findings?type=Stealth%3AS3%2FCloudTrailLogFileModified", links);
        Assert.Contains("findings?type=Stealth%3AS3%2FCloudTrailDigestChainBroken", links);
        Assert.Equal("Integrity findings", page.Find("nav.vigil-integrity-findings").GetAttribute("aria-label"));
    }

    [Fact]
    public void Prerendered_RefreshDisabled()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var page = RenderPage<TrailIntegrity>();

        Assert.True(page.Find(".vigil-refresh-integrity").HasAttribute("disabled"));
    }

    private async Task<SourceDefinition> AddSourceAsync(string tenantId, string name, SourceKind kind)
    {
        var source = new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = name,
            Kind = kind,
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = "admin1",
        };
        await Sources.SaveAsync(source, CancellationToken.None);
        return source;
    }

    /// <summary>Validation states kept in a list; the page only lists them, so the other calls are not needed here.</summary>
    private sealed class InMemoryTrailIntegrityStore : ITrailIntegrityStore
    {
        public List<TrailIntegrityState> States { get; } = [];

        public Task<IReadOnlyList<TrailIntegrityState>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<TrailIntegrityState>>([.. States.Where(state => state.TenantId == tenantId)]);

        public Task<TrailIntegrityState?> TryLeaseAsync(string tenantId, Guid sourceId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task SaveCheckAsync(TrailIntegrityCheck check, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlySet<string>> AddNewProblemsAsync(string tenantId, Guid sourceId, IReadOnlyCollection<string> problems, DateTimeOffset at, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task RemoveProblemsAsync(string tenantId, Guid sourceId, IReadOnlyCollection<string> problems, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
