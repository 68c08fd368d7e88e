using System.Text.Json;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;
using Vigil.Testing;
using static Vigil.Storage.Tests.Findings.TestFindings;

namespace Vigil.Storage.Tests.Findings;

/// <summary>
/// Suppression rules whose regular expressions backtrack exponentially on the finding's user agent in
/// a backtracking engine (Fixtures/pathological-regex-rules.json). They must neither stall the write
/// nor suppress the finding, and the ordinary rule must still work.
/// </summary>
public sealed class PathologicalRegexRuleTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly RegexFixture Fixture = JsonSerializer.Deserialize<RegexFixture>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pathological-regex-rules.json")),
        new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    private readonly string tenant = Fixture.Tenant + "-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Evaluator_NonBacktracking_NoRuleMatches()
    {
        var finding = ApiCall(userAgent: Fixture.UserAgent);

        foreach (var rule in Fixture.Rules)
        {
            var criteria = FindingCriteriaValidator.ValidateOrThrow(UserAgentMatches(rule.Pattern));
            var result = FindingCriteriaEvaluator.Evaluate(finding, criteria);

            Assert.False(result.Matched, rule.Name);
            Assert.Empty(result.TimedOut);
        }
    }

    [Fact]
    public void Evaluator_OrdinaryUserAgent_RuleThreeMatches()
    {
        var finding = ApiCall(userAgent: Fixture.OrdinaryUserAgent);

        foreach (var rule in Fixture.Rules)
        {
            var criteria = FindingCriteriaValidator.ValidateOrThrow(UserAgentMatches(rule.Pattern));

            Assert.Equal(rule.MatchesOrdinary, FindingCriteriaEvaluator.Evaluate(finding, criteria).Matched);
        }
    }

    [Fact]
    public void Validator_BackReference_Rejected()
    {
        var valid = FindingCriteriaValidator.TryValidate(UserAgentMatches(@"^(a+)+\1$"), out _, out var errors);

        Assert.False(valid);
        Assert.Contains("not a usable regular expression", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_RegexRules_NothingSuppressed()
    {
        var findings = new PostgresFindingStore(database.DataSource);
        var rules = new PostgresSuppressionRuleStore(database.DataSource, TimeProvider.System);
        foreach (var rule in Fixture.Rules)
        {
            await rules.CreateAsync(tenant, new SuppressionRuleInput(rule.Name, "regex test", UserAgentMatches(rule.Pattern), true, null), "admin", default);
        }

        var hostile = ApiCall(userAgent: Fixture.UserAgent);
        var ordinary = ApiCall(userAgent: Fixture.OrdinaryUserAgent);
        await findings.WriteAsync(tenant, [hostile, ordinary], default);

        var stored = await findings.ListAsync(tenant, new FindingListQuery { IncludeArchived = true }, default);
        Assert.False(stored.Items.Single(item => item.Id == hostile.Id).Archived);
        var suppressedBy = stored.Items.Single(item => item.Id == ordinary.Id).SuppressedBy;
        Assert.Equal((await rules.ListAsync(tenant, default)).Single(rule => rule.Name == "rule-3").Id, suppressedBy);
        // No rule hit its statement timeout, which would have been stored as its last error.
        Assert.All(await rules.ListAsync(tenant, default), rule => Assert.Null(rule.LastError));
    }

    private static FindingCriteria UserAgentMatches(string pattern) =>
        FindingCriteria.Empty.With(new FindingCriterion("service.action.awsApiCallAction.userAgent", CriterionOperator.MatchesRegex, [pattern]));

    private sealed record RegexFixture(string Tenant, string UserAgent, string OrdinaryUserAgent, IReadOnlyList<RegexRule> Rules);

    private sealed record RegexRule(string Name, string Pattern, bool MatchesOrdinary);
}
