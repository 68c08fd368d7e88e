using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class SourceStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly PostgresSourceStore store = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");
    private readonly string otherTenant = "other-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Save_ThenGet_KeepsEveryField()
    {
        var source = Source(tenant, "trail bucket") with
        {
            Kind = SourceKind.S3Notifications,
            Folder = null,
            AccountIds = ["111122223333", "444455556666"],
            Bucket = "trail-logs",
            Prefix = "AWSLogs/",
            Region = "eu-west-1",
            ServiceUrl = "http://127.0.0.1:9000",
            QueueUrl = "http://127.0.0.1:9324/000000000000/events",
        };

        await store.SaveAsync(source, default);
        var loaded = await store.GetAsync(tenant, source.Id, default);

        Assert.NotNull(loaded);
        Assert.Equal(SourceKind.S3Notifications, loaded.Kind);
        Assert.Equal(["111122223333", "444455556666"], loaded.AccountIds);
        Assert.Equal("trail-logs", loaded.Bucket);
        Assert.Equal("AWSLogs/", loaded.Prefix);
        Assert.Equal("eu-west-1", loaded.Region);
        Assert.Equal("http://127.0.0.1:9000", loaded.ServiceUrl);
        Assert.Equal("http://127.0.0.1:9324/000000000000/events", loaded.QueueUrl);
        Assert.Null(loaded.Folder);
        Assert.Equal(Noon, loaded.UpdatedAt);
        Assert.Equal("admin", loaded.UpdatedBy);
    }

    [Fact]
    public async Task Save_SameId_UpdatesTheRow()
    {
        var source = Source(tenant, "logs");
        await store.SaveAsync(source, default);

        await store.SaveAsync(source with { Name = "renamed", Enabled = false, Folder = "/var/log/other" }, default);

        var saved = Assert.Single(await store.ListAsync(tenant, default));
        Assert.Equal("renamed", saved.Name);
        Assert.False(saved.Enabled);
        Assert.Equal("/var/log/other", saved.Folder);
    }

    [Fact]
    public async Task Save_NameOfAnotherSource_RaisesConflict()
    {
        await store.SaveAsync(Source(tenant, "logs"), default);

        var exception = await Assert.ThrowsAsync<SourceConflictException>(() => store.SaveAsync(Source(tenant, "logs"), default));

        Assert.Contains("logs", exception.Message, StringComparison.Ordinal);
        Assert.Single(await store.ListAsync(tenant, default));
    }

    [Fact]
    public async Task Save_SameNameInAnotherTenant_IsAllowed()
    {
        await store.SaveAsync(Source(tenant, "logs"), default);
        await store.SaveAsync(Source(otherTenant, "logs"), default);

        Assert.Single(await store.ListAsync(tenant, default));
        Assert.Single(await store.ListAsync(otherTenant, default));
    }

    [Fact]
    public async Task OtherTenant_CannotSeeChangeOrDeleteTheSource()
    {
        var source = Source(tenant, "logs");
        await store.SaveAsync(source, default);

        Assert.Null(await store.GetAsync(otherTenant, source.Id, default));
        Assert.Empty(await store.ListAsync(otherTenant, default));
        Assert.False(await store.DeleteAsync(otherTenant, source.Id, default));

        // Saving the same id as another tenant makes that tenant's own row.
        await store.SaveAsync(source with { TenantId = otherTenant, Name = "taken over", Folder = "/elsewhere" }, default);
        var mine = await store.GetAsync(tenant, source.Id, default);
        Assert.Equal("logs", mine!.Name);
        Assert.Equal("/var/log/vigil", mine.Folder);

        // Progress reported under the other tenant does not reach this tenant's counters.
        await store.RecordProgressAsync(Progress(otherTenant, source.Id) with { RecordsRead = 99 }, default);
        Assert.Empty(await store.ListStatusAsync(tenant, default));
        Assert.Equal(99, Assert.Single(await store.ListStatusAsync(otherTenant, default)).RecordsRead);
    }

    [Fact]
    public async Task RecordProgress_AddsUpAndKeepsLastError()
    {
        var source = Source(tenant, "logs");
        await store.SaveAsync(source, default);

        await store.RecordProgressAsync(Progress(tenant, source.Id) with
        {
            ObjectsRead = 1,
            RecordsRead = 10,
            RecordsRejected = 3,
            RecordsFromUnregisteredAccounts = 2,
            NewestEventTime = Noon.AddMinutes(-5),
        }, default);
        await store.RecordProgressAsync(Progress(tenant, source.Id) with
        {
            ObjectsRead = 1,
            ObjectsFailed = 1,
            RecordsRead = 4,
            RecordsRejected = 1,
            NewestEventTime = Noon.AddMinutes(-30),
            Error = "logs/a.json: the gzip data is invalid",
            At = Noon.AddMinutes(1),
        }, default);

        var status = Assert.Single(await store.ListStatusAsync(tenant, default));
        Assert.Equal(source.Id, status.SourceId);
        Assert.Equal(2, status.ObjectsRead);
        Assert.Equal(1, status.ObjectsFailed);
        Assert.Equal(14, status.RecordsRead);
        Assert.Equal(4, status.RecordsRejected);
        Assert.Equal(2, status.RecordsFromUnregisteredAccounts);
        Assert.Equal(Noon.AddMinutes(-5), status.NewestEventTime);
        Assert.Equal(Noon.AddMinutes(1), status.LastReadAt);
        Assert.Equal(TimeSpan.FromMinutes(31), status.Lag);
        Assert.Equal("logs/a.json: the gzip data is invalid", status.LastError);
        Assert.Equal(Noon.AddMinutes(1), status.LastErrorAt);
    }

    [Fact]
    public async Task Delete_RemovesSourceAndStatus()
    {
        var source = Source(tenant, "logs");
        await store.SaveAsync(source, default);
        await store.RecordProgressAsync(Progress(tenant, source.Id) with { RecordsRead = 5 }, default);

        Assert.True(await store.DeleteAsync(tenant, source.Id, default));
        Assert.False(await store.DeleteAsync(tenant, source.Id, default));

        Assert.Empty(await store.ListAsync(tenant, default));
        Assert.Empty(await store.ListStatusAsync(tenant, default));

        // Progress of a read that was running when the source went away is dropped.
        await store.RecordProgressAsync(Progress(tenant, source.Id) with { RecordsRead = 5 }, default);
        Assert.Empty(await store.ListStatusAsync(tenant, default));
    }

    [Fact]
    public async Task ListEnabled_LeavesOutDisabledSources()
    {
        var enabled = Source(tenant, "on");
        var disabled = Source(tenant, "off") with { Enabled = false };
        await store.SaveAsync(enabled, default);
        await store.SaveAsync(disabled, default);

        var ids = (await store.ListEnabledAsync(default)).Where(source => source.TenantId == tenant).Select(source => source.Id).ToList();

        Assert.Equal([enabled.Id], ids);
    }

    [Fact]
    public async Task FindByAccessKeyHash_FindsOnlyEnabledFirehoseSources()
    {
        var hash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var firehose = Source(tenant, "stream") with { Kind = SourceKind.Firehose, Folder = null, AccessKeySha256 = hash };
        await store.SaveAsync(firehose, default);

        Assert.Equal(firehose.Id, (await store.FindByAccessKeyHashAsync(hash, default))?.Id);

        await store.SaveAsync(firehose with { Enabled = false }, default);
        Assert.Null(await store.FindByAccessKeyHashAsync(hash, default));
    }

    [Fact]
    public async Task Save_FirehoseFlowLogFormat_ReadBack()
    {
        const string format = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags";
        var firehose = Source(tenant, "flows") with { Kind = SourceKind.Firehose, Folder = null, FlowLogFormat = format };
        await store.SaveAsync(firehose, default);

        Assert.Equal(format, (await store.GetAsync(tenant, firehose.Id, default))?.FlowLogFormat);

        await store.SaveAsync(firehose with { FlowLogFormat = null }, default);
        Assert.Null((await store.GetAsync(tenant, firehose.Id, default))?.FlowLogFormat);
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

    private static SourceProgress Progress(string tenantId, Guid sourceId) => new()
    {
        TenantId = tenantId,
        SourceId = sourceId,
        At = Noon,
    };
}
