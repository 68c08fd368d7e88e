using System.Text.Json;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class AuditLogTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly PostgresAuditLog log = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");
    private readonly string otherTenant = "other-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Write_ThenList_KeepsEveryField()
    {
        var entry = new AuditEntry(tenant, "alice", "update", "suppression-rule", "rule-1",
            """{"enabled": true}""", """{"enabled": false, "reason": "<script>"}""", Noon);

        var id = await log.WriteAsync(entry, default);
        var listed = Assert.Single(await log.ListAsync(tenant, new AuditQuery(), default));

        Assert.Equal(id, listed.Id);
        Assert.Equal("alice", listed.Entry.Actor);
        Assert.Equal("update", listed.Entry.Action);
        Assert.Equal("suppression-rule", listed.Entry.ObjectType);
        Assert.Equal("rule-1", listed.Entry.ObjectId);
        Assert.True(JsonDocument.Parse(listed.Entry.Before!).RootElement.GetProperty("enabled").GetBoolean());
        Assert.Equal("<script>", JsonDocument.Parse(listed.Entry.After!).RootElement.GetProperty("reason").GetString());
        Assert.Equal(Noon, listed.Entry.At);
    }

    [Fact]
    public async Task List_OtherTenant_SeesNothing()
    {
        await log.WriteAsync(Entry(tenant, "rule-1"), default);

        Assert.Empty(await log.ListAsync(otherTenant, new AuditQuery(), default));
    }

    [Fact]
    public async Task List_PagesNewestFirstByKeyset()
    {
        for (var i = 0; i < 5; i++)
        {
            await log.WriteAsync(Entry(tenant, $"rule-{i}"), default);
        }

        var first = await log.ListAsync(tenant, new AuditQuery { Limit = 2 }, default);
        var second = await log.ListAsync(tenant, new AuditQuery { Limit = 2, BeforeId = first[^1].Id }, default);
        var third = await log.ListAsync(tenant, new AuditQuery { Limit = 2, BeforeId = second[^1].Id }, default);

        Assert.Equal(["rule-4", "rule-3"], first.Select(r => r.Entry.ObjectId));
        Assert.Equal(["rule-2", "rule-1"], second.Select(r => r.Entry.ObjectId));
        Assert.Equal(["rule-0"], third.Select(r => r.Entry.ObjectId));
    }

    [Fact]
    public async Task List_ByObject_ReturnsOnlyThatObjectsHistory()
    {
        await log.WriteAsync(Entry(tenant, "rule-1"), default);
        await log.WriteAsync(Entry(tenant, "rule-2"), default);
        await log.WriteAsync(Entry(tenant, "rule-1") with { Action = "delete" }, default);

        var history = await log.ListAsync(tenant, new AuditQuery { ObjectType = "suppression-rule", ObjectId = "rule-1" }, default);

        Assert.Equal(["delete", "create"], history.Select(r => r.Entry.Action));
    }

    [Fact]
    public async Task Write_OversizedDocument_IsRefusedWithTheField()
    {
        var huge = "\"" + new string('x', AuditEntry.MaxDocumentLength) + "\"";

        var error = await Assert.ThrowsAsync<ArgumentException>(() => log.WriteAsync(Entry(tenant, "rule-1") with { After = huge }, default));

        Assert.Contains("After", error.Message, StringComparison.Ordinal);
        Assert.Empty(await log.ListAsync(tenant, new AuditQuery(), default));
    }

    private static AuditEntry Entry(string tenantId, string objectId) =>
        new(tenantId, "alice", "create", "suppression-rule", objectId, null, """{"name": "x"}""", Noon);
}
