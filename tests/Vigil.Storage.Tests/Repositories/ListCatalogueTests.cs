using Vigil.Contracts.Storage;
using Vigil.Detection.Findings;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

/// <summary>List status, versions, audit trail, loading and trusted-list findings against a real database.</summary>
public sealed class ListCatalogueTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresThreatListStore store = new(database.DataSource);
    private readonly PostgresFindingStore findings = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N")[..12];

    private ListCatalogue Catalogue => new(store, findings, TimeProvider.System);

    [Fact]
    public async Task Import_NewList_IsActivatingVersionOne()
    {
        var result = await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.7\n203.0.113.0/24\nnot-an-address\n"), default);

        var list = await store.FindAsync(tenant, "bad-ips", default);
        Assert.NotNull(list);
        Assert.Equal(1, result.Saved.Version);
        Assert.Equal(ListStatus.Activating, list.Status);
        Assert.Equal(2, list.EntryCount);
        Assert.Equal(1, list.RejectedCount);
        var version = Assert.Single(await store.LoadVersionsAsync(ListScope.Tenant, tenant, "bad-ips", default));
        Assert.Equal(list.Sha256, version.Sha256);
        Assert.Equal("cli:test", version.CreatedBy);
        Assert.Equal("created", Assert.Single(await store.LoadAuditAsync(ListScope.Tenant, tenant, "bad-ips", 10, default)).Action);
    }

    [Fact]
    public async Task Import_ChangedContent_AddsVersion()
    {
        await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.7\n"), default);
        var same = await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.7\n"), default);
        var changed = await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.8\n"), default);

        Assert.Equal(1, same.Saved.Version);
        Assert.False(same.Saved.ContentChanged);
        Assert.Equal(2, changed.Saved.Version);
        Assert.Equal([2, 1], (await store.LoadVersionsAsync(ListScope.Tenant, tenant, "bad-ips", default)).Select(version => version.Version));
        Assert.Equal(["updated", "reimported", "created"], (await store.LoadAuditAsync(ListScope.Tenant, tenant, "bad-ips", 10, default)).Select(entry => entry.Action));
    }

    [Fact]
    public async Task Loader_MovesListsToActiveOrError()
    {
        await Catalogue.ImportAsync(Request("good", "198.51.100.7\n"), default);
        await Catalogue.ImportAsync(Request("broken", "not-an-address\nalso not one\n"), default);
        var registry = new ThreatIntelRegistry();
        var loader = new ListLoader(store, registry);

        await loader.LoadAsync(await TenantListsAsync(), [], default);

        var good = await store.FindAsync(tenant, "good", default);
        var broken = await store.FindAsync(tenant, "broken", default);
        Assert.Equal(ListStatus.Active, good?.Status);
        Assert.Equal(ListStatus.Error, broken?.Status);
        Assert.Contains("no entry could be loaded", broken?.StatusReason, StringComparison.Ordinal);
        Assert.True(registry.For(tenant).TryMatch("198.51.100.7", out var match));
        Assert.Equal(1, match.List.Version);
        Assert.Equal("active", (await store.LoadAuditAsync(ListScope.Tenant, tenant, "good", 1, default))[0].Action);
    }

    [Fact]
    public async Task Loader_SecondReport_LeavesOneAuditEntry()
    {
        await Catalogue.ImportAsync(Request("good", "198.51.100.7\n"), default);
        var lists = await TenantListsAsync();

        await new ListLoader(store, new ThreatIntelRegistry()).LoadAsync(lists, [], default);
        await new ListLoader(store, new ThreatIntelRegistry()).LoadAsync(lists, [], default);

        var audit = await store.LoadAuditAsync(ListScope.Tenant, tenant, "good", 10, default);
        Assert.Single(audit, entry => entry.Action == ListStatus.Active);
    }

    [Fact]
    public async Task InactiveList_IsNotLoaded()
    {
        await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.7\n") with { Activate = false }, default);
        var registry = new ThreatIntelRegistry();

        await new ListLoader(store, registry).LoadAsync(await TenantListsAsync(), [], default);

        Assert.False(registry.For(tenant).TryMatch("198.51.100.7", out _));
        Assert.Equal(ListStatus.Inactive, (await store.FindAsync(tenant, "bad-ips", default))?.Status);
    }

    [Fact]
    public async Task Deactivate_ThenDelete_KeepsHistory()
    {
        await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.7\n"), default);

        Assert.True(await Catalogue.SetActiveAsync(tenant, "bad-ips", false, "cli:other", default));
        Assert.True(await store.DeleteAsync(tenant, "bad-ips", "cli:other", default));
        Assert.False(await store.DeleteAsync(tenant, "bad-ips", "cli:other", default));

        Assert.Null(await store.FindAsync(tenant, "bad-ips", default));
        Assert.Single(await store.LoadVersionsAsync(ListScope.Tenant, tenant, "bad-ips", default));
        var audit = await store.LoadAuditAsync(ListScope.Tenant, tenant, "bad-ips", 10, default);
        Assert.Equal(["deleted", "deactivated", "created"], audit.Select(entry => entry.Action));
        Assert.Equal("cli:other", audit[0].Actor);
    }

    [Fact]
    public async Task OtherTenant_SeesNoList()
    {
        await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.7\n"), default);

        Assert.Null(await store.FindAsync(tenant + "-other", "bad-ips", default));
        Assert.False(await store.SetActiveAsync(tenant + "-other", "bad-ips", false, "cli:test", default));
    }

    [Fact]
    public async Task TrustedList_AddedEntry_RaisesFinding()
    {
        await Catalogue.ImportAsync(Request("office", "198.51.100.7\n", "trusted"), default);
        var widened = await Catalogue.ImportAsync(Request("office", "198.51.100.7\n203.0.113.66\n", "trusted"), default);

        Assert.True(widened.RaisedTrustedListFinding);
        var finding = await SingleTrustedListFindingAsync();
        Assert.Equal(2, finding.Service.Count);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("203.0.113.66/32", finding.Service.AdditionalInfo?["addedEntries"]);
        Assert.Equal("1", finding.Service.AdditionalInfo?["addedCount"]);
        Assert.Equal("2", finding.Service.AdditionalInfo?["listVersion"]);
        Assert.Equal("cli:test", finding.Service.AdditionalInfo?["changedBy"]);
    }

    [Fact]
    public async Task TrustedList_OnlyRemoved_RaisesNothingMore()
    {
        await Catalogue.ImportAsync(Request("office", "198.51.100.7\n203.0.113.66\n", "trusted"), default);
        var narrowed = await Catalogue.ImportAsync(Request("office", "198.51.100.7\n", "trusted"), default);

        Assert.False(narrowed.RaisedTrustedListFinding);
        Assert.Equal(1, (await SingleTrustedListFindingAsync()).Service.Count);
    }

    [Fact]
    public async Task TrustedList_Activation_RaisesFinding()
    {
        await Catalogue.ImportAsync(Request("office", "198.51.100.7\n", "trusted") with { Activate = false }, default);
        Assert.Empty(await TrustedListFindingsAsync());

        await Catalogue.SetActiveAsync(tenant, "office", true, "cli:test", default);

        var finding = await SingleTrustedListFindingAsync();
        Assert.Equal("activated", finding.Service.AdditionalInfo?["change"]);
        Assert.Equal("198.51.100.7/32", finding.Service.AdditionalInfo?["addedEntries"]);
    }

    [Fact]
    public async Task ThreatList_Change_RaisesNoFinding()
    {
        await Catalogue.ImportAsync(Request("bad-ips", "198.51.100.7\n"), default);

        Assert.Empty(await TrustedListFindingsAsync());
    }

    private ListImportRequest Request(string name, string content, string kind = "threat") => new(tenant, name, content, "txt", kind, "cli:test");

    private async Task<IReadOnlyList<StoredThreatList>> TenantListsAsync() =>
        [.. (await store.LoadAllAsync(default)).Where(list => list.TenantId == tenant)];

    private async Task<List<FindingSummary>> TrustedListFindingsAsync() =>
        [.. (await findings.ListAsync(tenant, new FindingListQuery { Limit = 100 }, default)).Items.Where(item => item.Type == TrustedListChangeFinding.FindingType)];

    private async Task<Contracts.Findings.Finding> SingleTrustedListFindingAsync()
    {
        var summary = Assert.Single(await TrustedListFindingsAsync());
        var finding = await findings.GetAsync(tenant, summary.Id, default);
        Assert.NotNull(finding);
        return finding;
    }
}
