using Vigil.Contracts.Storage;
using Vigil.Detection.Findings;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

/// <summary>Tenant lists read from S3: the schedule, refreshes with new and unchanged content, and failed fetches, against a real database.</summary>
public sealed class TenantListSourceTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Url = "s3://acme-intel/lists/office.txt";

    private readonly PostgresThreatListStore store = new(database.DataSource);
    private readonly PostgresFindingStore findings = new(database.DataSource);
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeReader reader = new();
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N")[..12];

    private ListCatalogue Catalogue => new(store, findings, clock);

    private TenantListRefresher Refresher => new(store, Catalogue, reader, clock);

    [Fact]
    public async Task Import_WithSource_StoresScheduleAndNotDueYet()
    {
        await ImportAsync("threat", "198.51.100.7\n");

        var list = await store.FindAsync(tenant, "office", default);
        Assert.Equal(Url, list?.Source);
        Assert.Equal(TimeSpan.FromMinutes(30), list?.RefreshInterval);
        Assert.Equal(clock.GetUtcNow().AddMinutes(30), list?.NextFetchAt);
        Assert.Empty(await Refresher.RefreshDueAsync("system:fetcher", default));
        Assert.Equal(0, reader.Reads);
    }

    [Fact]
    public async Task Refresh_Due_NewContentBecomesVersionTwo()
    {
        await ImportAsync("threat", "198.51.100.7\n");
        reader.Content = "198.51.100.7\n198.51.100.8\n";
        clock.Advance(TimeSpan.FromMinutes(31));

        var result = Assert.Single(await Refresher.RefreshDueAsync("system:fetcher", default), item => item.TenantId == tenant);

        Assert.Null(result.FailureReason);
        Assert.Equal(2, result.Imported?.Saved.Version);
        var list = await store.FindAsync(tenant, "office", default);
        Assert.Equal(2, list?.EntryCount);
        Assert.Equal(Url, list?.Source);
        Assert.Equal(clock.GetUtcNow().AddMinutes(30), list?.NextFetchAt);
        Assert.Equal("system:fetcher", (await store.LoadVersionsAsync(ListScope.Tenant, tenant, "office", default))[0].CreatedBy);
    }

    [Fact]
    public async Task Refresh_UnchangedContent_NoVersionNoAudit()
    {
        await ImportAsync("threat", "198.51.100.7\n");
        reader.Content = "198.51.100.7\n";
        clock.Advance(TimeSpan.FromMinutes(31));

        await Refresher.RefreshDueAsync("system:fetcher", default);

        Assert.Single(await store.LoadVersionsAsync(ListScope.Tenant, tenant, "office", default));
        Assert.Equal(["created"], (await store.LoadAuditAsync(ListScope.Tenant, tenant, "office", 10, default)).Select(entry => entry.Action));
        var list = await store.FindAsync(tenant, "office", default);
        Assert.Equal(clock.GetUtcNow(), list?.FetchedAt);
        Assert.Equal(clock.GetUtcNow().AddMinutes(30), list?.NextFetchAt);
    }

    [Fact]
    public async Task Refresh_Fails_ErrorWithReasonAndContentStaysInUse()
    {
        await ImportAsync("threat", "198.51.100.7\n");
        var registry = new ThreatIntelRegistry();
        await new ListLoader(store, registry).LoadAsync(await store.LoadAllAsync(default), [], default);
        reader.Failure = "s3://acme-intel/lists/office.txt does not exist (NoSuchKey)";
        clock.Advance(TimeSpan.FromMinutes(31));

        var result = Assert.Single(await Refresher.RefreshDueAsync("system:fetcher", default), item => item.TenantId == tenant);
        await new ListLoader(store, registry).LoadAsync(await store.LoadAllAsync(default), [], default);

        Assert.Contains("NoSuchKey", result.FailureReason, StringComparison.Ordinal);
        var list = await store.FindAsync(tenant, "office", default);
        Assert.Equal(ListStatus.Error, list?.Status);
        Assert.Equal("fetch failed: " + reader.Failure, list?.StatusReason);
        Assert.Equal("fetch-failed", (await store.LoadAuditAsync(ListScope.Tenant, tenant, "office", 1, default))[0].Action);
        Assert.True(registry.For(tenant).TryMatch("198.51.100.7", out _));
    }

    [Fact]
    public async Task Refresh_RecoversAfterFailure_BackToActive()
    {
        await ImportAsync("threat", "198.51.100.7\n");
        reader.Failure = "network down";
        clock.Advance(TimeSpan.FromMinutes(31));
        await Refresher.RefreshDueAsync("system:fetcher", default);
        reader.Failure = null;
        reader.Content = "198.51.100.7\n";
        clock.Advance(TimeSpan.FromMinutes(31));

        await Refresher.RefreshDueAsync("system:fetcher", default);
        await new ListLoader(store, new ThreatIntelRegistry()).LoadAsync(await store.LoadAllAsync(default), [], default);

        var list = await store.FindAsync(tenant, "office", default);
        Assert.Equal(ListStatus.Active, list?.Status);
        Assert.Null(list?.StatusReason);
    }

    [Fact]
    public async Task Refresh_TrustedListWidened_RaisesTrustedListFinding()
    {
        await ImportAsync("trusted", "198.51.100.7\n");
        reader.Content = "198.51.100.7\n203.0.113.9\n";
        clock.Advance(TimeSpan.FromMinutes(31));

        await Refresher.RefreshDueAsync("system:fetcher", default);

        var page = await FindingsOfTypeAsync(TrustedListChangeFinding.FindingType);
        var finding = Assert.Single(page);
        Assert.Equal(2, finding.Service.Count);
        Assert.Equal("203.0.113.9/32", finding.Service.AdditionalInfo!["addedEntries"]);
    }

    [Fact]
    public async Task Claim_Inactive_NotFetched()
    {
        await ImportAsync("threat", "198.51.100.7\n");
        await store.SetActiveAsync(tenant, "office", false, "admin1", default);
        clock.Advance(TimeSpan.FromMinutes(31));

        var results = await Refresher.RefreshDueAsync("system:fetcher", default);

        Assert.DoesNotContain(results, result => result.TenantId == tenant);
    }

    [Fact]
    public async Task Upload_ReplacingS3List_RemovesSource()
    {
        await ImportAsync("threat", "198.51.100.7\n");

        await Catalogue.ImportAsync(new ListImportRequest(tenant, "office", "198.51.100.9\n", "txt", "threat", "admin1"), default);

        var list = await store.FindAsync(tenant, "office", default);
        Assert.Null(list?.Source);
        Assert.Null(list?.NextFetchAt);
    }

    private async Task<List<Contracts.Findings.Finding>> FindingsOfTypeAsync(string type)
    {
        var summaries = (await findings.ListAsync(tenant, new FindingListQuery { Limit = 100 }, default)).Items.Where(item => item.Type == type);
        var found = new List<Contracts.Findings.Finding>();
        foreach (var summary in summaries)
        {
            found.Add((await findings.GetAsync(tenant, summary.Id, default))!);
        }

        return found;
    }

    private Task<ListImportResult> ImportAsync(string kind, string content) =>
        Catalogue.ImportAsync(new ListImportRequest(tenant, "office", content, "txt", kind, "admin1") { Source = Url, RefreshInterval = TimeSpan.FromMinutes(30) }, default);

    private sealed class FakeReader : ITenantListSourceReader
    {
        public string Content { get; set; } = "";

        public string? Failure { get; set; }

        public int Reads { get; private set; }

        public Task<string> ReadAsync(S3ListUrl url, CancellationToken cancellationToken)
        {
            Reads++;
            return Failure is null ? Task.FromResult(Content) : throw new ListSourceException(Failure);
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
