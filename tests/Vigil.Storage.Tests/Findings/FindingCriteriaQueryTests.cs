using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;
using Vigil.Testing;
using static Vigil.Storage.Tests.Findings.TestFindings;

namespace Vigil.Storage.Tests.Findings;

/// <summary>Finding criteria compiled to SQL and run against PostgreSQL.</summary>
public sealed class FindingCriteriaQueryTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresFindingStore store = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Equals_OnColumn_SelectsType()
    {
        var wanted = ApiCall(type: "Policy:IAMUser/RootCredentialUsage");
        await store.WriteAsync(tenant, [wanted, ApiCall()], default);

        var ids = await IdsAsync(Criterion("type", CriterionOperator.Equals, "Policy:IAMUser/RootCredentialUsage"));

        Assert.Equal([wanted.Id], ids);
    }

    [Fact]
    public async Task NotEquals_OnColumn_ExcludesValues()
    {
        var kept = ApiCall(account: "444455556666");
        await store.WriteAsync(tenant, [kept, ApiCall(), ApiCall(account: "777788889999")], default);

        var ids = await IdsAsync(Criterion("accountId", CriterionOperator.NotEquals, "111122223333", "777788889999"));

        Assert.Equal([kept.Id], ids);
    }

    [Fact]
    public async Task GreaterThanOrEqual_OnSeverity_SelectsHigh()
    {
        var high = ApiCall(severity: 8);
        var edge = ApiCall(severity: 7);
        await store.WriteAsync(tenant, [high, edge, ApiCall(severity: 6.9)], default);

        var ids = await IdsAsync(Criterion("severity", CriterionOperator.GreaterThanOrEqual, "7"));

        Assert.Equal(new[] { high.Id, edge.Id }.Order(), ids.Order());
    }

    [Fact]
    public async Task LessThan_OnLastSeen_TakesEpochMilliseconds()
    {
        var old = ApiCall(lastSeen: T0.AddDays(-2));
        await store.WriteAsync(tenant, [old, ApiCall(lastSeen: T0)], default);

        var ids = await IdsAsync(Criterion("service.eventLastSeen", CriterionOperator.LessThan, T0.AddDays(-1).ToUnixTimeMilliseconds().ToString()));

        Assert.Equal([old.Id], ids);
    }

    [Fact]
    public async Task Matches_Wildcards_EscapeLikeCharacters()
    {
        var underscore = ApiCall(userName: "svc_deploy");
        var other = ApiCall(userName: "svcXdeploy");
        var percent = ApiCall(userName: "100%admin");
        await store.WriteAsync(tenant, [underscore, other, percent, ApiCall(userName: "100admin")], default);

        var literalUnderscore = await IdsAsync(Criterion("resource.accessKeyDetails.userName", CriterionOperator.Matches, "svc_*"));
        var questionMark = await IdsAsync(Criterion("resource.accessKeyDetails.userName", CriterionOperator.Matches, "svc?deploy"));
        var literalPercent = await IdsAsync(Criterion("resourceLabel", CriterionOperator.Matches, "100%*"));

        Assert.Equal([underscore.Id], literalUnderscore);
        Assert.Equal(new[] { underscore.Id, other.Id }.Order(), questionMark.Order());
        Assert.Equal([percent.Id], literalPercent);
    }

    [Fact]
    public async Task InCidr_OnRemoteIp_IgnoresNonAddresses()
    {
        var inside = ApiCall(remoteIp: "198.51.100.20");
        var hostile = ApiCall(remoteIp: "not-an-ip'); DROP TABLE findings; --");
        await store.WriteAsync(tenant, [inside, hostile, ApiCall(remoteIp: "203.0.113.14"), ApiCall(remoteIp: null)], default);

        var ids = await IdsAsync(Criterion("service.action.awsApiCallAction.remoteIpDetails.ipAddressV4", CriterionOperator.InCidr, "198.51.100.0/24"));
        var outside = await IdsAsync(Criterion("service.action.awsApiCallAction.remoteIpDetails.ipAddressV4", CriterionOperator.NotInCidr, "198.51.100.0/24", "203.0.113.14"));

        Assert.Equal([inside.Id], ids);
        Assert.Equal(2, outside.Count);
        Assert.Contains(hostile.Id, outside);
    }

    [Fact]
    public async Task InCidr_RemoteIpColumn_Matches()
    {
        var inside = ApiCall(remoteIp: "198.51.100.20");
        var serviceName = ApiCall(remoteIp: "s3.amazonaws.com");
        await store.WriteAsync(tenant, [inside, serviceName, ApiCall(remoteIp: "203.0.113.14")], default);

        var ids = await IdsAsync(Criterion(FindingFields.RemoteIp, CriterionOperator.InCidr, "198.51.100.0/24", "192.0.2.0/24"));
        var equal = await IdsAsync(Criterion(FindingFields.RemoteIp, CriterionOperator.Equals, "198.51.100.20"));
        var outside = await IdsAsync(Criterion(FindingFields.RemoteIp, CriterionOperator.NotInCidr, "198.51.100.0/24"));

        Assert.Equal([inside.Id], ids);
        Assert.Equal([inside.Id], equal);
        Assert.Equal(2, outside.Count);
        Assert.Contains(serviceName.Id, outside);
    }

    [Fact]
    public async Task NotEquals_DocumentPath_MatchesMissing()
    {
        var withoutIp = ApiCall(remoteIp: null);
        var otherIp = ApiCall(remoteIp: "192.0.2.1");
        await store.WriteAsync(tenant, [withoutIp, otherIp, ApiCall(remoteIp: "203.0.113.14")], default);

        var ids = await IdsAsync(Criterion("service.action.awsApiCallAction.remoteIpDetails.ipAddressV4", CriterionOperator.NotEquals, "203.0.113.14"));

        Assert.Equal(new[] { withoutIp.Id, otherIp.Id }.Order(), ids.Order());
    }

    [Fact]
    public async Task Equals_OnArrayPath_SearchesElements()
    {
        var listed = ApiCall(threatList: "partner-feed");
        await store.WriteAsync(tenant, [listed, ApiCall(threatList: "other-feed"), ApiCall()], default);

        var byEvidence = await IdsAsync(Criterion("service.evidence.threatIntelligenceDetails.threatListName", CriterionOperator.Equals, "partner-feed"));
        var byEntry = await IdsAsync(Criterion("service.evidence.threatIntelligenceDetails.threatNames", CriterionOperator.Equals, "203.0.113.14"));

        Assert.Equal([listed.Id], byEvidence);
        Assert.Equal(2, byEntry.Count);
    }

    [Fact]
    public async Task Equals_OnNumberPath_ComparesNumbers()
    {
        var finding = ApiCall();
        await store.WriteAsync(tenant, [finding], default);

        var asn = await IdsAsync(Criterion("service.action.awsApiCallAction.remoteIpDetails.organization.asn", CriterionOperator.Equals, "64496"));

        Assert.Equal([finding.Id], asn);
    }

    [Fact]
    public async Task HostileValue_IsDataNotSql()
    {
        await store.WriteAsync(tenant, [ApiCall(), ApiCall()], default);

        var ids = await IdsAsync(Criterion("type", CriterionOperator.Equals, "x' OR '1'='1"));
        var asPath = await IdsAsync(Criterion("service.action.awsApiCallAction.userAgent", CriterionOperator.Matches, "*' OR 1=1 --*"));

        Assert.Empty(ids);
        Assert.Empty(asPath);
    }

    [Fact]
    public async Task InvalidField_Rejected()
    {
        var criteria = Criterion("service.action\" OR 1=1 --", CriterionOperator.Equals, "x");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(tenant, new FindingListQuery { Criteria = criteria }, default));

        Assert.Contains("not a field path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MatchesRegex_OnUserAgent_Matches()
    {
        var cli = ApiCall(userAgent: "aws-cli/2.15.30 Python/3.11.8");
        await store.WriteAsync(tenant, [cli, ApiCall(userAgent: "Boto3/1.34.0")], default);

        var ids = await IdsAsync(Criterion("service.action.awsApiCallAction.userAgent", CriterionOperator.MatchesRegex, @"^aws-cli/2\."));

        Assert.Equal([cli.Id], ids);
    }

    [Fact]
    public async Task Criteria_AreAnded()
    {
        var both = ApiCall(severity: 8, userName: "bob");
        await store.WriteAsync(tenant, [both, ApiCall(severity: 8), ApiCall(userName: "bob", severity: 2)], default);

        var criteria = Criterion("severity", CriterionOperator.GreaterThan, "7")
            .With(new FindingCriterion("resource.accessKeyDetails.userName", CriterionOperator.Equals, ["bob"]));

        Assert.Equal([both.Id], await IdsAsync(criteria));
    }

    [Theory]
    [InlineData(FindingSortField.LastSeen, true)]
    [InlineData(FindingSortField.Severity, false)]
    [InlineData(FindingSortField.Type, true)]
    [InlineData(FindingSortField.Count, false)]
    [InlineData(FindingSortField.Resource, true)]
    public async Task KeysetPaging_VisitsEveryFindingOnce(FindingSortField sortBy, bool descending)
    {
        // Repeated sort values make the id the tie-breaker across page boundaries.
        var findings = Enumerable.Range(0, 23)
            .Select(i => ApiCall(severity: 1 + (i % 4), count: 1 + (i % 3), userName: "user" + (i % 5), type: "Type" + (i % 2), lastSeen: T0.AddMinutes(i % 6)))
            .ToArray();
        await store.WriteAsync(tenant, findings, default);
        var all = await store.ListAsync(tenant, new FindingListQuery { SortBy = sortBy, Descending = descending, Limit = 500 }, default);

        var paged = new List<string>();
        string? after = null;
        do
        {
            var page = await store.ListAsync(tenant, new FindingListQuery { SortBy = sortBy, Descending = descending, Limit = 4, After = after }, default);
            paged.AddRange(page.Items.Select(item => item.Id));
            after = page.NextCursor;
        }
        while (after is not null);

        Assert.Equal(23, all.Items.Count);
        Assert.Equal(all.Items.Select(item => item.Id), paged);
    }

    [Fact]
    public async Task Cursor_OfOtherSortOrder_Rejected()
    {
        await store.WriteAsync(tenant, [ApiCall(), ApiCall()], default);
        var first = await store.ListAsync(tenant, new FindingListQuery { Limit = 1 }, default);

        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(tenant, new FindingListQuery { Limit = 1, After = first.NextCursor, SortBy = FindingSortField.Severity }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(tenant, new FindingListQuery { After = "bm90LWEtY3Vyc29y" }, default));
    }

    [Fact]
    public async Task Group_ByTypeAndResource_Counts()
    {
        await store.WriteAsync(tenant, [ApiCall(type: "A"), ApiCall(type: "A", userName: "bob"), ApiCall(type: "B")], default);

        var byType = await store.GroupAsync(tenant, FindingCriteria.Empty, false, FindingGrouping.Type, 10, default);
        var byResource = await store.GroupAsync(tenant, FindingCriteria.Empty, false, FindingGrouping.Resource, 10, default);

        Assert.Equal([("A", 2L), ("B", 1L)], byType.Select(group => (group.Key, group.Count)));
        Assert.Equal(2, byResource.Count);
        Assert.Equal(("alice", 2L), (byResource[0].Label, byResource[0].Count));
    }

    [Fact]
    public async Task ArchiveMatching_ThenUnarchive_ChangesOnlyMatches()
    {
        var high = ApiCall(severity: 8);
        var low = ApiCall(severity: 2);
        await store.WriteAsync(tenant, [high, low], default);
        var criteria = Criterion("severity", CriterionOperator.LessThan, "5");

        var archived = await store.SetArchivedMatchingAsync(tenant, criteria, true, default);
        var otherTenant = await store.SetArchivedMatchingAsync(tenant + "-b", FindingCriteria.Empty, true, default);
        var active = await store.ListAsync(tenant, new FindingListQuery(), default);
        var unarchived = await store.SetArchivedMatchingAsync(tenant, criteria, false, default);

        Assert.Equal(1, archived);
        Assert.Equal(0, otherTenant);
        Assert.Equal([high.Id], active.Items.Select(item => item.Id));
        Assert.Equal(1, unarchived);
    }

    [Fact]
    public async Task ArchiveIds_OnlyTenantsFindings()
    {
        var mine = ApiCall();
        var theirs = ApiCall();
        await store.WriteAsync(tenant, [mine], default);
        await store.WriteAsync(tenant + "-b", [theirs], default);

        var changed = await store.SetArchivedAsync(tenant, [mine.Id, theirs.Id], true, default);

        Assert.Equal(1, changed);
        Assert.False((await store.GetAsync(tenant + "-b", theirs.Id, default))!.Service.Archived);
    }

    [Fact]
    public async Task Feedback_StoredAndShownOnFinding()
    {
        var finding = ApiCall();
        await store.WriteAsync(tenant, [finding], default);

        Assert.True(await store.SetFeedbackAsync(tenant, finding.Id, FindingFeedback.NotUseful, default));
        Assert.False(await store.SetFeedbackAsync(tenant + "-b", finding.Id, FindingFeedback.Useful, default));
        await store.WriteAsync(tenant, [finding], default);

        Assert.Equal("NOT_USEFUL", (await store.GetAsync(tenant, finding.Id, default))!.Service.UserFeedback);
        Assert.Equal([finding.Id], await IdsAsync(Criterion("service.userFeedback", CriterionOperator.Equals, "NOT_USEFUL")));
    }

    [Fact]
    public async Task Occurrences_CountedPerDay()
    {
        var id = NewId();
        await store.WriteAsync(tenant, [ApiCall(id, lastSeen: T0, count: 2)], default);
        await store.WriteAsync(tenant, [ApiCall(id, lastSeen: T0.AddHours(1), count: 3)], default);
        await store.WriteAsync(tenant, [ApiCall(id, lastSeen: T0.AddDays(1), count: 1)], default);

        var days = await store.GetOccurrencesAsync(tenant, id, default);

        Assert.Equal([(new DateOnly(2026, 3, 1), 5L), (new DateOnly(2026, 3, 2), 1L)], days.Select(day => (day.Day, day.Count)));
        Assert.Empty(await store.GetOccurrencesAsync(tenant + "-b", id, default));
    }

    [Fact]
    public async Task WriteOnce_RepeatedKey_AddsNoOccurrence()
    {
        var id = NewId();
        await store.WriteOnceAsync(tenant, "chunk-1", [ApiCall(id, count: 2)], default);
        await store.WriteOnceAsync(tenant, "chunk-1", [ApiCall(id, count: 2)], default);

        var day = Assert.Single(await store.GetOccurrencesAsync(tenant, id, default));

        Assert.Equal(2, day.Count);
    }

    [Fact]
    public async Task Related_SamePrincipalOnly()
    {
        var first = ApiCall(type: "A");
        var second = ApiCall(type: "B");
        await store.WriteAsync(tenant, [first, second, ApiCall(userName: "bob")], default);

        var related = await store.ListRelatedAsync(tenant, first.Id, 10, default);

        Assert.Equal([second.Id], related.Select(item => item.Id));
    }

    [Fact]
    public async Task Changes_CountedAfterWatermark()
    {
        await store.WriteAsync(tenant, [ApiCall()], default);
        var before = await store.GetChangesSinceAsync(tenant, DateTimeOffset.MaxValue, default);

        await store.WriteAsync(tenant, [ApiCall(), ApiCall()], default);
        var after = await store.GetChangesSinceAsync(tenant, before.LatestUpdatedAt!.Value, default);

        Assert.Equal(0, before.ChangedCount);
        Assert.Equal(2, after.ChangedCount);
        Assert.True(after.LatestUpdatedAt > before.LatestUpdatedAt);
    }

    private static FindingCriteria Criterion(string field, CriterionOperator op, params string[] values) =>
        FindingCriteria.Empty.With(new FindingCriterion(field, op, values));

    private async Task<List<string>> IdsAsync(FindingCriteria criteria)
    {
        var page = await store.ListAsync(tenant, new FindingListQuery { Criteria = criteria, Limit = 500, IncludeArchived = true }, default);
        return [.. page.Items.Select(item => item.Id)];
    }
}
