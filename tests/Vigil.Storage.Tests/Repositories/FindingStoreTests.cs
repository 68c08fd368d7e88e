using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class FindingStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly PostgresFindingStore store = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task SetArchived_HidesFromListForTenantOnly()
    {
        var id = NewId();
        await store.WriteAsync(tenant, [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default);

        var otherTenant = await store.SetArchivedAsync(tenant + "-b", id, archived: true, default);
        var archived = await store.SetArchivedAsync(tenant, id, archived: true, default);

        Assert.False(otherTenant);
        Assert.True(archived);
        var active = await store.ListAsync(tenant, new FindingListQuery(), default);
        Assert.Empty(active.Items);
        var all = await store.ListAsync(tenant, new FindingListQuery { IncludeArchived = true }, default);
        Assert.True(Assert.Single(all.Items).Archived);
        Assert.True((await store.GetAsync(tenant, id, default))?.Service.Archived);
    }

    [Fact]
    public async Task Upsert_AggregatesOccurrences()
    {
        var id = NewId();
        await store.WriteAsync(tenant, [Occurrence(id, T0, T0.AddMinutes(5), count: 2, severity: 5, title: "middle")], default);
        await store.WriteAsync(tenant, [Occurrence(id, T0.AddMinutes(10), T0.AddMinutes(20), count: 3, severity: 8, title: "latest")], default);
        await store.WriteAsync(tenant, [Occurrence(id, T0.AddMinutes(-30), T0.AddMinutes(1), count: 1, severity: 2, title: "oldest")], default);

        var finding = await store.GetAsync(tenant, id, default);

        Assert.NotNull(finding);
        Assert.Equal(6, finding.Service.Count);
        Assert.Equal(T0.AddMinutes(-30), finding.Service.EventFirstSeen);
        Assert.Equal(T0.AddMinutes(20), finding.Service.EventLastSeen);
        Assert.Equal("latest", finding.Title);
        Assert.Equal(8, finding.Severity);
        Assert.Equal("latest", finding.Description);
    }

    [Fact]
    public async Task Upsert_DuplicateIdsInBatch_Merged()
    {
        var id = NewId();
        var batch = new[]
        {
            Occurrence(id, T0, T0.AddMinutes(2), count: 1, severity: 3, title: "second"),
            Occurrence(id, T0.AddMinutes(-1), T0.AddMinutes(1), count: 1, severity: 4, title: "first"),
            Occurrence(id, T0.AddMinutes(3), T0.AddMinutes(4), count: 5, severity: 6, title: "third"),
        };

        await store.WriteAsync(tenant, batch, default);
        var finding = await store.GetAsync(tenant, id, default);

        Assert.NotNull(finding);
        Assert.Equal(7, finding.Service.Count);
        Assert.Equal(T0.AddMinutes(-1), finding.Service.EventFirstSeen);
        Assert.Equal(T0.AddMinutes(4), finding.Service.EventLastSeen);
        Assert.Equal("third", finding.Title);
    }

    [Fact]
    public async Task Upsert_KeepsArchivedAndCreatedAt()
    {
        var id = NewId();
        await store.WriteAsync(tenant, [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default);
        await ExecuteAsync("UPDATE findings SET archived = true WHERE tenant_id = @tenant AND id = @id", id);
        var before = await store.GetAsync(tenant, id, default);

        await store.WriteAsync(tenant, [Occurrence(id, T0, T0.AddMinutes(1), count: 1, severity: 5, title: "b")], default);
        var after = await store.GetAsync(tenant, id, default);

        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.True(after.Service.Archived);
        Assert.Equal(before.CreatedAt, after.CreatedAt);
        Assert.True(after.UpdatedAt >= before.UpdatedAt);
    }

    [Fact]
    public async Task Upsert_ConcurrentBatches_AllCounted()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => NewId()).ToArray();
        var forward = ids.Select(id => Occurrence(id, T0, T0, count: 1, severity: 5, title: "t")).ToArray();
        var backward = forward.Reverse().ToArray();

        // Batches that share ids in opposite orders would deadlock if rows were locked in input order.
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(store.WriteAsync(tenant, forward, default), store.WriteAsync(tenant, backward, default));
        }

        var page = await store.ListAsync(tenant, new FindingListQuery { Limit = 100 }, default);
        Assert.Equal(50, page.MatchCount);
        Assert.All(page.Items, item => Assert.Equal(10, item.Count));
    }

    [Fact]
    public async Task WriteOnce_SameKey_CountsOnce()
    {
        var id = NewId();
        await store.WriteOnceAsync(tenant, "grain-a#chunk-0", [Occurrence(id, T0, T0, count: 2, severity: 5, title: "a")], default);
        await store.WriteOnceAsync(tenant, "grain-a#chunk-0", [Occurrence(id, T0, T0.AddMinutes(1), count: 2, severity: 5, title: "a")], default);
        await store.WriteOnceAsync(tenant, "grain-a#chunk-1", [Occurrence(id, T0, T0, count: 3, severity: 5, title: "a")], default);

        var finding = await store.GetAsync(tenant, id, default);

        Assert.NotNull(finding);
        Assert.Equal(5, finding.Service.Count);
        Assert.Equal(T0, finding.Service.EventLastSeen);
    }

    [Fact]
    public async Task WriteOnce_KeyOfOtherTenant_Counts()
    {
        var id = NewId();
        await store.WriteOnceAsync(tenant + "-b", "grain-a#chunk-0", [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default);
        await store.WriteOnceAsync(tenant, "grain-a#chunk-0", [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default);

        Assert.Equal(1, (await store.GetAsync(tenant, id, default))?.Service.Count);
        Assert.Equal(1, (await store.GetAsync(tenant + "-b", id, default))?.Service.Count);
    }

    [Fact]
    public async Task WriteOnce_ConcurrentSameKey_CountsOnce()
    {
        var id = NewId();
        var writes = Enumerable.Range(0, 8)
            .Select(_ => store.WriteOnceAsync(tenant, "grain-b#chunk-7", [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default));

        await Task.WhenAll(writes);

        Assert.Equal(1, (await store.GetAsync(tenant, id, default))?.Service.Count);
    }

    [Fact]
    public async Task PurgeWriteKeys_OldKeyWritesAgain()
    {
        var id = NewId();
        await store.WriteOnceAsync(tenant, "grain-c#chunk-0", [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default);

        var purged = await store.PurgeWriteKeysAsync(DateTimeOffset.UtcNow.AddMinutes(1), default);
        await store.WriteOnceAsync(tenant, "grain-c#chunk-0", [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default);

        Assert.True(purged >= 1, $"purged {purged} keys");
        Assert.Equal(2, (await store.GetAsync(tenant, id, default))?.Service.Count);
    }

    [Fact]
    public async Task Get_OtherTenant_ReturnsNull()
    {
        var id = NewId();
        await store.WriteAsync(tenant, [Occurrence(id, T0, T0, count: 1, severity: 5, title: "a")], default);

        var foreign = await store.GetAsync(tenant + "-b", id, default);

        Assert.Null(foreign);
    }

    [Fact]
    public async Task List_OtherTenant_SeesNothing()
    {
        await store.WriteAsync(tenant, [Occurrence(NewId(), T0, T0, count: 1, severity: 5, title: "a")], default);

        var page = await store.ListAsync(tenant + "-b", new FindingListQuery(), default);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.MatchCount);
    }

    [Fact]
    public async Task List_SortsAndPages()
    {
        var findings = Enumerable.Range(0, 7)
            .Select(i => Occurrence(NewId(), T0, T0.AddMinutes(i), count: 10 - i, severity: 1 + (i % 3), title: $"f{i}"))
            .ToArray();
        await store.WriteAsync(tenant, findings, default);

        var firstPage = await store.ListAsync(tenant, new FindingListQuery { Limit = 3 }, default);
        var secondPage = await store.ListAsync(tenant, new FindingListQuery { Limit = 3, After = firstPage.NextCursor }, default);
        var lastPage = await store.ListAsync(tenant, new FindingListQuery { Limit = 3, After = secondPage.NextCursor }, default);
        var byCount = await store.ListAsync(tenant, new FindingListQuery { SortBy = FindingSortField.Count, Descending = false }, default);

        Assert.Equal(7, firstPage.MatchCount);
        Assert.False(firstPage.MatchCountIsLowerBound);
        Assert.Equal(["f0"], lastPage.Items.Select(item => item.Title));
        Assert.Null(lastPage.NextCursor);
        Assert.Equal(["f6", "f5", "f4"], firstPage.Items.Select(item => item.Title));
        Assert.Equal(["f3", "f2", "f1"], secondPage.Items.Select(item => item.Title));
        Assert.Equal([4L, 5, 6, 7, 8, 9, 10], byCount.Items.Select(item => item.Count));
    }

    [Fact]
    public async Task List_EqualKeys_OrderedById()
    {
        var ids = Enumerable.Range(0, 4).Select(_ => NewId()).ToArray();
        await store.WriteAsync(tenant, ids.Select(id => Occurrence(id, T0, T0, count: 1, severity: 5, title: "same")).ToArray(), default);

        var page = await store.ListAsync(tenant, new FindingListQuery { SortBy = FindingSortField.Severity, Descending = false }, default);

        Assert.Equal(ids.Order(StringComparer.Ordinal), page.Items.Select(item => item.Id));
    }

    [Fact]
    public async Task List_ExcludesArchivedByDefault()
    {
        var kept = NewId();
        var archived = NewId();
        await store.WriteAsync(tenant, [Occurrence(kept, T0, T0, 1, 5, "kept"), Occurrence(archived, T0, T0, 1, 5, "archived")], default);
        await ExecuteAsync("UPDATE findings SET archived = true WHERE tenant_id = @tenant AND id = @id", archived);

        var active = await store.ListAsync(tenant, new FindingListQuery(), default);
        var all = await store.ListAsync(tenant, new FindingListQuery { IncludeArchived = true }, default);

        Assert.Equal([kept], active.Items.Select(item => item.Id));
        Assert.Equal(1, active.MatchCount);
        Assert.Equal(2, all.MatchCount);
        Assert.True(all.Items.Single(item => item.Id == archived).Archived);
    }

    [Fact]
    public async Task List_LimitClampedToMax()
    {
        await store.WriteAsync(tenant, [Occurrence(NewId(), T0, T0, 1, 5, "a"), Occurrence(NewId(), T0, T0, 1, 5, "b")], default);

        var zero = await store.ListAsync(tenant, new FindingListQuery { Limit = 0 }, default);
        var huge = await store.ListAsync(tenant, new FindingListQuery { Limit = 100_000 }, default);

        Assert.Single(zero.Items);
        Assert.Equal(2, huge.Items.Count);
    }

    [Fact]
    public async Task Summary_ShowsPrincipalAndColumns()
    {
        var id = NewId();
        await store.WriteAsync(tenant, [Occurrence(id, T0, T0.AddMinutes(1), count: 4, severity: 7.5, title: "t")], default);

        var item = Assert.Single((await store.ListAsync(tenant, new FindingListQuery(), default)).Items);

        Assert.Equal("alice", item.Resource);
        Assert.Equal("AccessKey", item.ResourceType);
        Assert.Equal("123456789012", item.AccountId);
        Assert.Equal("eu-west-1", item.Region);
        Assert.Equal("Recon:IAMUser/TestFinding", item.Type);
        Assert.Equal(7.5, item.Severity);
        Assert.Equal(4, item.Count);
        Assert.Equal(T0, item.EventFirstSeen);
        Assert.Equal(T0.AddMinutes(1), item.EventLastSeen);
        Assert.Equal("arn:aws:iam::123456789012:user/alice", await ScalarAsync<string>("SELECT resource_key FROM findings WHERE tenant_id = @tenant AND id = @id", id));
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static Finding Occurrence(string id, DateTimeOffset firstSeen, DateTimeOffset lastSeen, long count, double severity, string title) => new()
    {
        AccountId = "123456789012",
        Region = "eu-west-1",
        Id = id,
        Arn = $"arn:aws:guardduty:eu-west-1:123456789012:detector/d/finding/{id}",
        Type = "Recon:IAMUser/TestFinding",
        Resource = new FindingResource
        {
            ResourceType = "AccessKey",
            AccessKeyDetails = new AccessKeyDetails { PrincipalId = "AIDAEXAMPLE", UserName = "alice", UserType = "IAMUser" },
        },
        Service = new FindingService
        {
            DetectorId = "d",
            Action = new FindingAction { ActionType = "AWS_API_CALL" },
            Count = count,
            EventFirstSeen = firstSeen,
            EventLastSeen = lastSeen,
            ResourceRole = "ACTOR",
            AdditionalInfo = new Dictionary<string, string> { ["principalKey"] = "arn:aws:iam::123456789012:user/alice" },
        },
        Severity = severity,
        CreatedAt = lastSeen,
        UpdatedAt = lastSeen,
        Title = title,
        Description = title,
    };

    private async Task ExecuteAsync(string sql, string id)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql, string id)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
