using System.Text.Json;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>The legacy Vigil:Ingest:WatchFolder setting, run as a folder source of Vigil:Ingest:TenantId.</summary>
public sealed class WatchFolderSourceTests : IAsyncLifetime
{
    private const string Tenant = "legacy-tenant";
    private readonly PostgresFixture database = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-watch-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        return database.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task WatchFolder_BecomesSourceWithAccounts()
    {
        File.WriteAllText(Path.Combine(folder, "trail.json"), JsonSerializer.Serialize(new
        {
            Records = new[] { Event("w-1", "111122223333"), Event("w-2", "999988887777") },
        }));
        var environment = new Dictionary<string, string>
        {
            ["Vigil__Ingest__TenantId"] = Tenant,
            ["Vigil__Ingest__AccountIds"] = "111122223333, 444455556666",
        };
        var store = new PostgresSourceStore(database.DataSource);

        await using var host = await HostProcess.StartAsync(database.ConnectionString, folder, S3SourcesFixture.AdminPassword, environment: environment);
        var source = Assert.Single(await store.ListAsync(Tenant, default));
        var status = await S3SourcesFixture.WaitForStatusAsync(store, host, Tenant, source.Id, status => status.ObjectsRead >= 1, "the watched folder's object read");

        Assert.Equal(SourceKind.Folder, source.Kind);
        Assert.Equal("Watched folder (Vigil:Ingest:WatchFolder)", source.Name);
        Assert.Equal(Path.GetFullPath(folder), source.Folder);
        Assert.Equal(["111122223333", "444455556666"], source.AccountIds);
        Assert.Equal(1, status.RecordsRead);
        Assert.Equal(1, status.RecordsFromUnregisteredAccounts);
        Assert.DoesNotContain("lists no AWS accounts", host.Output, StringComparison.Ordinal);

        // A folder source saved in the store, with a file of the same relative path: full paths keep the two apart.
        var other = Path.Combine(folder, "other");
        Directory.CreateDirectory(other);
        File.Copy(Path.Combine(folder, "trail.json"), Path.Combine(other, "trail.json"));
        var second = new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = Tenant,
            Name = "second folder",
            Kind = SourceKind.Folder,
            Folder = other,
            AccountIds = ["111122223333"],
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = "test",
        };
        await store.SaveAsync(second, default);
        var secondStatus = await S3SourcesFixture.WaitForStatusAsync(store, host, Tenant, second.Id, status => status.ObjectsRead >= 1, "the second folder's object read");

        Assert.Equal(1, secondStatus.RecordsFromUnregisteredAccounts);

        // The watched folder's own pass also finds other/trail.json, under its relative path.
        await S3SourcesFixture.WaitForStatusAsync(store, host, Tenant, source.Id, status => status.ObjectsRead >= 2, "the watched folder's pass over other/trail.json");
        await using var command = database.DataSource.CreateCommand("SELECT object_key FROM ingested_objects WHERE tenant_id = $1 ORDER BY object_key");
        command.Parameters.AddWithValue(Tenant);
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.Equal([Path.GetFullPath(Path.Combine(other, "trail.json")), "other/trail.json", "trail.json"], keys);
    }

    private static object Event(string eventId, string account) => new
    {
        eventVersion = "1.09",
        userIdentity = new { type = "IAMUser", principalId = "AIDAEXAMPLEUSERID0001", arn = $"arn:aws:iam::{account}:user/alice", accountId = account, userName = "alice" },
        eventTime = "2024-03-05T10:15:00Z",
        eventSource = "cloudtrail.amazonaws.com",
        eventName = "StopLogging",
        awsRegion = "us-east-1",
        sourceIPAddress = "203.0.113.10",
        eventID = eventId,
        eventType = "AwsApiCall",
        recipientAccountId = account,
    };
}
