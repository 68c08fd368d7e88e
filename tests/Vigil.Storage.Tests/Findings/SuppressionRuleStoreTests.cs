using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;
using Vigil.Testing;
using static Vigil.Storage.Tests.Findings.TestFindings;

namespace Vigil.Storage.Tests.Findings;

/// <summary>Suppression rules against PostgreSQL: preview, archiving of stored and new findings, undo by disabling.</summary>
public sealed class SuppressionRuleStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresFindingStore findings = new(database.DataSource);
    private readonly PostgresSuppressionRuleStore rules = new(database.DataSource, TimeProvider.System);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Preview_CountsAndSamplesActiveMatches()
    {
        var bob = ApiCall(userName: "bob", lastSeen: T0.AddMinutes(5));
        var bobOld = ApiCall(userName: "bob", lastSeen: T0);
        await findings.WriteAsync(tenant, [bob, bobOld, ApiCall()], default);
        await findings.SetArchivedAsync(tenant, bobOld.Id, true, default);

        var preview = await rules.PreviewAsync(tenant, ByUser("bob"), 10, default);

        Assert.Equal(1, preview.MatchCount);
        Assert.Equal([bob.Id], preview.Sample.Select(item => item.Id));
    }

    [Fact]
    public async Task Create_ArchivesStoredMatchesWithRuleId()
    {
        var bob = ApiCall(userName: "bob");
        var alice = ApiCall();
        await findings.WriteAsync(tenant, [bob, alice], default);

        var change = await rules.CreateAsync(tenant, Input("bob scanner", ByUser("bob")), "admin", default);

        Assert.Equal(1, change.Archived);
        var active = await findings.ListAsync(tenant, new FindingListQuery(), default);
        Assert.Equal([alice.Id], active.Items.Select(item => item.Id));
        var all = await findings.ListAsync(tenant, new FindingListQuery { IncludeArchived = true }, default);
        Assert.Equal(change.After!.Id, all.Items.Single(item => item.Id == bob.Id).SuppressedBy);
        Assert.Equal(1, (await rules.GetAsync(tenant, change.After.Id, default))!.SuppressedCount);
    }

    [Fact]
    public async Task NewFinding_MatchingRule_ArrivesSuppressed()
    {
        var change = await rules.CreateAsync(tenant, Input("bob scanner", ByUser("bob")), "admin", default);
        var bob = ApiCall(userName: "bob");

        await findings.WriteOnceAsync(tenant, "chunk-1", [bob, ApiCall()], default);

        var stored = await findings.ListAsync(tenant, new FindingListQuery { IncludeArchived = true }, default);
        var suppressed = stored.Items.Single(item => item.Id == bob.Id);
        Assert.True(suppressed.Archived);
        Assert.Equal(change.After!.Id, suppressed.SuppressedBy);
        Assert.Single(stored.Items, item => !item.Archived);
    }

    [Fact]
    public async Task Disable_UnarchivesOnlyWhatRuleArchived()
    {
        var byRule = ApiCall(userName: "bob");
        var byAnalyst = ApiCall(userName: "bob", type: "Other");
        await findings.WriteAsync(tenant, [byAnalyst], default);
        await findings.SetArchivedAsync(tenant, byAnalyst.Id, true, default);
        await findings.WriteAsync(tenant, [byRule], default);
        var created = await rules.CreateAsync(tenant, Input("bob scanner", ByUser("bob")), "admin", default);

        var disabled = await rules.UpdateAsync(tenant, created.After!.Id, Input("bob scanner", ByUser("bob")) with { Enabled = false }, "admin", default);

        Assert.Equal(1, disabled!.Unarchived);
        var all = await findings.ListAsync(tenant, new FindingListQuery { IncludeArchived = true }, default);
        Assert.False(all.Items.Single(item => item.Id == byRule.Id).Archived);
        Assert.Null(all.Items.Single(item => item.Id == byRule.Id).SuppressedBy);
        Assert.True(all.Items.Single(item => item.Id == byAnalyst.Id).Archived);
        await findings.WriteAsync(tenant, [ApiCall(byRule.Id, userName: "bob")], default);
        Assert.False((await findings.GetAsync(tenant, byRule.Id, default))!.Service.Archived);
    }

    [Fact]
    public async Task Delete_UnarchivesAndOtherRuleTakesOver()
    {
        var bob = ApiCall(userName: "bob", severity: 2);
        await findings.WriteAsync(tenant, [bob], default);
        var first = await rules.CreateAsync(tenant, Input("bob", ByUser("bob")), "admin", default);
        var second = await rules.CreateAsync(tenant, Input("low", FindingCriteria.Empty.With(new FindingCriterion("severity", CriterionOperator.LessThan, ["4"]))), "admin", default);

        var deleted = await rules.DeleteAsync(tenant, first.After!.Id, "admin", default);

        Assert.Equal(0, second.Archived);
        Assert.Equal(1, deleted!.Unarchived);
        var stored = (await findings.ListAsync(tenant, new FindingListQuery { IncludeArchived = true }, default)).Items.Single();
        Assert.Equal(second.After!.Id, stored.SuppressedBy);
        Assert.Null(await rules.GetAsync(tenant, first.After.Id, default));
    }

    [Fact]
    public async Task ExpiredRule_DoesNotSuppressNewFindings()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        var store = new PostgresSuppressionRuleStore(database.DataSource, clock);
        await store.CreateAsync(tenant, Input("short", ByUser("bob")) with { ExpiresAt = clock.GetUtcNow().AddSeconds(1) }, "admin", default);
        await ExecuteAsync("UPDATE suppression_rules SET expires_at = now() - interval '1 minute' WHERE tenant_id = @tenant");

        await findings.WriteAsync(tenant, [ApiCall(userName: "bob")], default);

        Assert.Single((await findings.ListAsync(tenant, new FindingListQuery(), default)).Items);
    }

    [Fact]
    public async Task Rules_OfOtherTenant_DoNotApply()
    {
        await rules.CreateAsync(tenant + "-b", Input("bob", ByUser("bob")), "admin", default);

        await findings.WriteAsync(tenant, [ApiCall(userName: "bob")], default);

        Assert.Single((await findings.ListAsync(tenant, new FindingListQuery(), default)).Items);
        Assert.Empty(await rules.ListAsync(tenant, default));
    }

    [Fact]
    public async Task Create_InvalidInput_ListsEveryProblem()
    {
        var input = new SuppressionRuleInput("", "", FindingCriteria.Empty.With(new FindingCriterion("nope", CriterionOperator.Equals, ["x"])), true, DateTimeOffset.UtcNow.AddDays(-1));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => rules.CreateAsync(tenant, input, "admin", default));

        Assert.Contains("name:", error.Message, StringComparison.Ordinal);
        Assert.Contains("reason:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'nope' is not a finding field", error.Message, StringComparison.Ordinal);
        Assert.Contains("expiresAt:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_DuplicateName_Rejected()
    {
        await rules.CreateAsync(tenant, Input("same", ByUser("bob")), "admin", default);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => rules.CreateAsync(tenant, Input("same", ByUser("carol")), "admin", default));

        Assert.Contains("already has a suppression rule named 'same'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_SkipsSuppressedFindings()
    {
        var bob = ApiCall(userName: "bob");
        var alice = ApiCall();
        await findings.WriteAsync(tenant, [bob, alice], default);
        await rules.CreateAsync(tenant, Input("bob", ByUser("bob")), "admin", default);

        var exported = new List<string>();
        await foreach (var finding in findings.ExportAsync(tenant, FindingCriteria.Empty, includeArchived: true, default))
        {
            exported.Add(finding.Id);
        }

        Assert.Equal([alice.Id], exported);
    }

    private static FindingCriteria ByUser(string userName) =>
        FindingCriteria.Empty.With(new FindingCriterion("resource.accessKeyDetails.userName", CriterionOperator.Equals, [userName]));

    private static SuppressionRuleInput Input(string name, FindingCriteria criteria) => new(name, "expected activity", criteria, true, null);

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("tenant", tenant);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
