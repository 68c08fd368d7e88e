using Vigil.Contracts.Storage;
using Vigil.Grains.Replay;

namespace Vigil.EndToEnd.Tests;

/// <summary>The in-memory source store follows the same rules as the PostgreSQL one.</summary>
public sealed class InMemorySourceStoreTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly InMemorySourceStore store = new();

    [Fact]
    public async Task Save_NameOfAnotherSource_RaisesConflict()
    {
        await store.SaveAsync(Source("a", "logs"), default);

        await Assert.ThrowsAsync<SourceConflictException>(() => store.SaveAsync(Source("a", "logs"), default));
        await store.SaveAsync(Source("b", "logs"), default);

        Assert.Single(await store.ListAsync("a", default));
        Assert.Single(await store.ListAsync("b", default));
    }

    [Fact]
    public async Task OtherTenant_CannotSeeOrDelete()
    {
        var source = Source("a", "logs");
        await store.SaveAsync(source, default);

        Assert.Null(await store.GetAsync("b", source.Id, default));
        Assert.False(await store.DeleteAsync("b", source.Id, default));
        await store.RecordProgressAsync(Progress("b", source.Id) with { RecordsRead = 5 }, default);

        Assert.Empty(await store.ListStatusAsync("b", default));
        Assert.Empty(await store.ListStatusAsync("a", default));
    }

    [Fact]
    public async Task RecordProgress_AddsUp()
    {
        var source = Source("a", "logs");
        await store.SaveAsync(source, default);

        await store.RecordProgressAsync(Progress("a", source.Id) with { ObjectsRead = 1, RecordsRead = 3, RecordsRejected = 2, RecordsFromUnregisteredAccounts = 1, NewestEventTime = Noon.AddMinutes(-2) }, default);
        await store.RecordProgressAsync(Progress("a", source.Id) with { ObjectsRead = 1, ObjectsFailed = 1, Error = "failed", At = Noon.AddMinutes(1) }, default);

        var status = Assert.Single(await store.ListStatusAsync("a", default));
        Assert.Equal(2, status.ObjectsRead);
        Assert.Equal(1, status.ObjectsFailed);
        Assert.Equal(3, status.RecordsRead);
        Assert.Equal(2, status.RecordsRejected);
        Assert.Equal(1, status.RecordsFromUnregisteredAccounts);
        Assert.Equal(Noon.AddMinutes(-2), status.NewestEventTime);
        Assert.Equal(TimeSpan.FromMinutes(2), status.Lag);
        Assert.Equal("failed", status.LastError);
        Assert.Equal(Noon.AddMinutes(1), status.LastReadAt);
    }

    [Fact]
    public async Task ListEnabled_AndAccessKey_SkipDisabled()
    {
        var firehose = Source("a", "stream") with { Kind = SourceKind.Firehose, AccessKeySha256 = "ab" };
        await store.SaveAsync(firehose, default);
        await store.SaveAsync(Source("a", "off") with { Enabled = false }, default);

        Assert.Equal([firehose.Id], (await store.ListEnabledAsync(default)).Select(source => source.Id));
        Assert.Equal(firehose.Id, (await store.FindByAccessKeyHashAsync("ab", default))?.Id);

        await store.SaveAsync(firehose with { Enabled = false }, default);
        Assert.Null(await store.FindByAccessKeyHashAsync("ab", default));
        Assert.True(await store.DeleteAsync("a", firehose.Id, default));
    }

    private static SourceDefinition Source(string tenantId, string name) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = tenantId,
        Name = name,
        Kind = SourceKind.Folder,
        Folder = "/var/log/vigil",
        UpdatedAt = Noon,
        UpdatedBy = "admin",
    };

    private static SourceProgress Progress(string tenantId, Guid sourceId) => new() { TenantId = tenantId, SourceId = sourceId, At = Noon };
}
