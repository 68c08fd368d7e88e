using Vigil.Rules.Events;
using Vigil.Rules.Tests.Support;

namespace Vigil.Rules.Tests;

/// <summary>
/// Tenant regular expressions with heavy backtracking under the default engine, on a user agent
/// built to trigger it. Vigil compiles them with linear-time matching, so they finish and do not match.
/// </summary>
public sealed class RegexSafetyTests
{
    private const string HostileUserAgent = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";

    [Theory]
    [InlineData("^(a|aa)+$", false)]
    [InlineData("^([a-z]+)*[0-9]$", false)]
    [InlineData("^aws-cli/2\\.", false)]
    public async Task PathologicalRegex_FinishesWithoutMatch(string regex, bool expected)
    {
        var record = await TestLogs.OneAsync(TestLogs.Record(extra: "").Replace("aws-cli/2.15.0", HostileUserAgent, StringComparison.Ordinal));
        var ruleSet = TestRules.Compile(TestRules.CloudTrail($"selection:\n    userAgent|re: '{regex}'\ncondition: selection"));

        var matches = ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]);

        Assert.Equal(expected, matches.Count == 1);
        Assert.Equal(0, ruleSet.Rules[0].RegexTimeouts);
    }

    [Fact]
    public async Task NormalRegex_MatchesCliUserAgent()
    {
        var record = await TestLogs.OneAsync(TestLogs.Record());
        var ruleSet = TestRules.Compile(TestRules.CloudTrail("selection:\n    userAgent|re: '^aws-cli/2\\.'\ncondition: selection"));

        Assert.Single(ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]));
    }
}
