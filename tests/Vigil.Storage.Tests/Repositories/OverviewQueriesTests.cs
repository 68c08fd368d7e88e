using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class OverviewQueriesTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Account = "123456789012";
    private const string AliceKey = Account + "/arn:aws:iam::123456789012:user/alice";
    private const string BobKey = Account + "/arn:aws:iam::123456789012:user/bob";
    private const string EniKey = Account + "/eni:eni-0abc1234";

    private static readonly DateTimeOffset Day0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PostgresFindingStore store = new(database.DataSource);
    private readonly PostgresOverviewQueries queries = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Timeline_CountsBandsPerDay()
    {
        await store.WriteAsync(tenant, [
            Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 2),
            Principal("b", AliceKey, "alice", Day0.AddHours(5), severity: 5),
            Principal("c", BobKey, "bob", Day0.AddHours(30), severity: 8),
            Principal("d", BobKey, "bob", Day0.AddHours(31), severity: 9.5),
            Principal("e", BobKey, "bob", Day0.AddHours(80), severity: 8),
        ], default);

        var overview = await queries.GetOverviewAsync(tenant, new OverviewQuery { From = Day0.AddHours(3), To = Day0.AddDays(3) }, default);

        Assert.Equal([Day0, Day0.AddDays(1), Day0.AddDays(2)], overview.Timeline.Select(bucket => bucket.Start));
        Assert.Equal(new SeverityBucket(Day0, 1, 1, 0, 0), overview.Timeline[0]);
        Assert.Equal(new SeverityBucket(Day0.AddDays(1), 0, 0, 1, 1), overview.Timeline[1]);
        Assert.Equal(new SeverityBucket(Day0.AddDays(2), 0, 0, 0, 0), overview.Timeline[2]);
    }

    [Fact]
    public async Task Timeline_HourBucketsStartOnTheHour()
    {
        await store.WriteAsync(tenant, [Principal("a", AliceKey, "alice", Day0.AddMinutes(130), severity: 5)], default);

        var overview = await queries.GetOverviewAsync(tenant, new OverviewQuery { From = Day0.AddMinutes(70), To = Day0.AddHours(4), Bucket = OverviewBucket.Hour }, default);

        Assert.Equal([Day0.AddHours(1), Day0.AddHours(2), Day0.AddHours(3)], overview.Timeline.Select(bucket => bucket.Start));
        Assert.Equal(1, overview.Timeline[1].Medium);
        Assert.Equal(1, overview.Timeline.Sum(bucket => bucket.Total));
    }

    [Fact]
    public async Task Overview_ArchivedAndOtherTenantLeftOut()
    {
        await store.WriteAsync(tenant, [Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 5), Principal("b", BobKey, "bob", Day0.AddHours(2), severity: 5)], default);
        await store.WriteAsync(tenant + "-other", [Principal("c", AliceKey, "alice", Day0.AddHours(1), severity: 5)], default);
        await store.SetArchivedAsync(tenant, Id("b"), archived: true, default);

        var overview = await queries.GetOverviewAsync(tenant, new OverviewQuery { From = Day0, To = Day0.AddDays(1) }, default);

        Assert.Equal(1, overview.Timeline.Sum(bucket => bucket.Total));
        Assert.Equal("alice", Assert.Single(overview.TopResources).Resource);
        Assert.Equal(AliceKey, Assert.Single(overview.TopPrincipals).PrincipalKey);
        Assert.Equal(1, Assert.Single(overview.TopTypes).Findings);
    }

    [Fact]
    public async Task TopLists_OrderedByFindings()
    {
        await store.WriteAsync(tenant, [
            Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 5, type: "Recon:IAMUser/A", count: 7),
            Principal("b", BobKey, "bob", Day0.AddHours(2), severity: 8, type: "Recon:IAMUser/B"),
            Principal("c", BobKey, "bob", Day0.AddHours(3), severity: 3, type: "Recon:IAMUser/B"),
            Endpoint("d", EniKey, Day0.AddHours(4), severity: 8),
        ], default);

        var overview = await queries.GetOverviewAsync(tenant, new OverviewQuery { From = Day0, To = Day0.AddDays(1), TopCount = 2 }, default);

        Assert.Equal(["Recon:IAMUser/B", "Recon:IAMUser/A"], overview.TopTypes.Select(type => type.Type));
        Assert.Equal(new FindingTypeCount("Recon:IAMUser/B", 2, 2, 8), overview.TopTypes[0]);
        Assert.Equal(7, overview.TopTypes[1].Occurrences);
        Assert.Equal(new ResourceCount("AccessKey", "bob", 2, 2, 8), overview.TopResources[0]);
        Assert.Equal([BobKey, AliceKey], overview.TopPrincipals.Select(principal => principal.PrincipalKey));
        Assert.Equal("bob", overview.TopPrincipals[0].Label);
        Assert.Equal(Account, overview.TopPrincipals[0].AccountId);
    }

    [Fact]
    public async Task Overview_TooManyBuckets_Rejected()
    {
        var query = new OverviewQuery { From = Day0, To = Day0.AddDays(60), Bucket = OverviewBucket.Hour };

        await Assert.ThrowsAsync<ArgumentException>(() => queries.GetOverviewAsync(tenant, query, default));
    }

    [Fact]
    public async Task NewestFindingTime_IgnoresArchived()
    {
        Assert.Null(await queries.GetNewestFindingTimeAsync(tenant, default));
        await store.WriteAsync(tenant, [Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 5), Principal("b", BobKey, "bob", Day0.AddHours(9), severity: 5)], default);
        await store.SetArchivedAsync(tenant, Id("b"), archived: true, default);

        Assert.Equal(Day0.AddHours(1), await queries.GetNewestFindingTimeAsync(tenant, default));
    }

    [Theory]
    [InlineData("ALIC", AliceKey)]
    [InlineData("user/bo", BobKey)]
    [InlineData("akiab0b", BobKey)]
    [InlineData("eni-0abc", EniKey)]
    [InlineData("10.0.4.17", EniKey)]
    public async Task Search_FindsByKeyLabelAccessKeyOrAddress(string text, string expectedKey)
    {
        await store.WriteAsync(tenant, [
            Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 5, accessKeyId: "AKIAALICE0000001"),
            Principal("b", BobKey, "bob", Day0.AddHours(2), severity: 5, accessKeyId: "AKIAB0B000000002"),
            Endpoint("c", EniKey, Day0.AddHours(3), severity: 8),
        ], default);

        var hits = await queries.SearchProfilesAsync(tenant, text, 10, default);

        var hit = Assert.Single(hits);
        Assert.Equal(expectedKey, hit.Key);
        Assert.Equal(expectedKey == EniKey ? ProfileKind.Endpoint : ProfileKind.Principal, hit.Kind);
    }

    [Fact]
    public async Task Search_WildcardsMatchLiterally()
    {
        await store.WriteAsync(tenant, [Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 5)], default);

        Assert.Empty(await queries.SearchProfilesAsync(tenant, "a%e", 10, default));
        Assert.Empty(await queries.SearchProfilesAsync(tenant, "al_ce", 10, default));
    }

    [Fact]
    public async Task Search_GroupsFindingsPerKeyAndStaysInTenant()
    {
        await store.WriteAsync(tenant, [
            Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 5),
            Principal("b", AliceKey, "alice", Day0.AddHours(4), severity: 8, type: "Recon:IAMUser/Other"),
        ], default);
        await store.WriteAsync(tenant + "-other", [Principal("c", BobKey, "alice-in-b", Day0.AddHours(1), severity: 5)], default);

        var hit = Assert.Single(await queries.SearchProfilesAsync(tenant, "alice", 10, default));

        Assert.Equal(2, hit.Findings);
        Assert.Equal(8, hit.MaxSeverity);
        Assert.Equal(Day0.AddHours(4), hit.LastSeen);
        Assert.Equal(Account, hit.AccountId);
        Assert.Equal("alice", hit.Label);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("   ")]
    public async Task Search_ShortText_Rejected(string text)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => queries.SearchProfilesAsync(tenant, text, 10, default));
    }

    [Fact]
    public async Task ListByResourceKey_NewestFirstWithArchived()
    {
        await store.WriteAsync(tenant, [
            Principal("a", AliceKey, "alice", Day0.AddHours(1), severity: 5),
            Principal("b", AliceKey, "alice", Day0.AddHours(4), severity: 8, type: "Recon:IAMUser/Other"),
            Principal("c", BobKey, "bob", Day0.AddHours(5), severity: 8),
        ], default);
        await store.SetArchivedAsync(tenant, Id("a"), archived: true, default);

        var findings = await queries.ListByResourceKeyAsync(tenant, AliceKey, 10, default);
        var otherTenant = await queries.ListByResourceKeyAsync(tenant + "-other", AliceKey, 10, default);

        Assert.Equal([Id("b"), Id("a")], findings.Select(finding => finding.Id));
        Assert.True(findings[1].Archived);
        Assert.Empty(otherTenant);
    }

    [Fact]
    public async Task Throughput_CountsObjectsPerMinute()
    {
        var minute = new DateTimeOffset(2031, 1, 2, 3, 4, 0, TimeSpan.Zero);
        await AddLedgerRowAsync("s3://b/one", minute.AddSeconds(5), records: 100, rejected: 2, error: null);
        await AddLedgerRowAsync("s3://b/two", minute.AddSeconds(50), records: 30, rejected: 0, error: "gzip: invalid header");
        await AddLedgerRowAsync("s3://b/three", minute.AddMinutes(2).AddSeconds(1), records: 5, rejected: 0, error: null);

        var rates = await queries.GetThroughputAsync(minute, minute.AddMinutes(3), TimeSpan.FromMinutes(1), default);

        Assert.Equal([minute, minute.AddMinutes(1), minute.AddMinutes(2)], rates.Select(rate => rate.Start));
        Assert.Equal(new IngestRate(minute, 2, 1, 130, 2), rates[0]);
        Assert.Equal(new IngestRate(minute.AddMinutes(1), 0, 0, 0, 0), rates[1]);
        Assert.Equal(5, rates[2].Records);
    }

    private async Task AddLedgerRowAsync(string key, DateTimeOffset finishedAt, long records, long rejected, string? error)
    {
        await using var command = database.DataSource.CreateCommand("""
            INSERT INTO ingested_objects (tenant_id, object_key, fingerprint, kind, records_read, records_rejected,
                duplicates_dropped, findings_raised, error, started_at, finished_at)
            VALUES (@tenant, @key, 'f', 'CloudTrail', @records, @rejected, 0, 0, @error, @finished, @finished)
            """);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("records", records);
        command.Parameters.AddWithValue("rejected", rejected);
        command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("finished", finishedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    private string Id(string name) => FindingId.For(tenant, name, Account, "eu-west-1", name, "ACTOR");

    private Finding Principal(string name, string principalKey, string userName, DateTimeOffset lastSeen, double severity, string type = "Recon:IAMUser/TestFinding", long count = 1, string? accessKeyId = null) =>
        Base(name, lastSeen, severity, type, count) with
        {
            Resource = new FindingResource
            {
                ResourceType = "AccessKey",
                AccessKeyDetails = new AccessKeyDetails { AccessKeyId = accessKeyId, PrincipalId = "AIDA" + userName.ToUpperInvariant(), UserName = userName, UserType = "IAMUser" },
            },
            Service = Base(name, lastSeen, severity, type, count).Service with { AdditionalInfo = new Dictionary<string, string> { ["principalKey"] = principalKey } },
        };

    private Finding Endpoint(string name, string endpointKey, DateTimeOffset lastSeen, double severity) =>
        Base(name, lastSeen, severity, "Recon:EC2/Portscan", 1) with
        {
            Resource = new FindingResource
            {
                ResourceType = "Instance",
                InstanceDetails = new InstanceDetails
                {
                    InstanceId = "i-0abc",
                    NetworkInterfaces = [new NetworkInterfaceDetails { NetworkInterfaceId = "eni-0abc1234", PrivateIpAddress = "10.0.4.17" }],
                },
            },
            Service = Base(name, lastSeen, severity, "Recon:EC2/Portscan", 1).Service with { AdditionalInfo = new Dictionary<string, string> { ["endpointKey"] = endpointKey } },
        };

    private Finding Base(string name, DateTimeOffset lastSeen, double severity, string type, long count) => new()
    {
        AccountId = Account,
        Region = "eu-west-1",
        Id = Id(name),
        Arn = $"arn:aws:guardduty:eu-west-1:{Account}:detector/d/finding/{Id(name)}",
        Type = type,
        Resource = new FindingResource { ResourceType = "AccessKey" },
        Service = new FindingService
        {
            DetectorId = "d",
            Action = new FindingAction { ActionType = "AWS_API_CALL" },
            Count = count,
            EventFirstSeen = lastSeen.AddMinutes(-1),
            EventLastSeen = lastSeen,
            ResourceRole = "ACTOR",
        },
        Severity = severity,
        CreatedAt = lastSeen,
        UpdatedAt = lastSeen,
        Title = type,
        Description = type,
    };
}
