namespace Vigil.Rules.Tests;

/// <summary>The rule files shipped with Vigil, which new tenants get enabled, compile cleanly and pass their own test events.</summary>
public sealed class ShippedRuleTests
{
    public static TheoryData<string> FileNames() => [.. ShippedRules.All.Select(file => file.Name)];

    [Fact]
    public void ShippedRules_CompileWithoutDiagnostics()
    {
        var compilation = RuleSetCompiler.Compile(ShippedRules.All);

        Assert.Equal(6, ShippedRules.All.Count);
        Assert.Empty(compilation.Diagnostics);
        Assert.Contains(ShippedRules.All, file => file.Name == "aws_iam_saml_provider_updated.yml");
        Assert.All(ShippedRules.All, file => Assert.EndsWith(".yml", file.Name, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public async Task ShippedRule_PassesItsTestEvents(string name)
    {
        var (matching, nonMatching) = ShippedRules.TestEventsOf(name);
        var ruleSet = RuleTrial.Compile(ShippedRules.All).RuleSet.Restrict(name);

        var run = await RuleTestRun.RunAsync(ruleSet, name, "tenant-a", matching, nonMatching, TimeProvider.System, CancellationToken.None);

        var outcome = Assert.Single(run.Outcomes);
        Assert.Equal(1, outcome.MatchingFindings);
        Assert.Equal(0, outcome.NonMatchingFindings);
        Assert.Equal(1, run.Matching.RecordsRead);
        Assert.Equal(1, run.NonMatching.RecordsRead);
        Assert.Empty(run.Matching.Errors);
        Assert.Empty(run.NonMatching.Errors);
        Assert.True(run.Passed);
    }

    [Fact]
    public async Task TestRun_SwappedEvents_Fails()
    {
        const string Name = "aws_iam_saml_provider_updated.yml";
        var (matching, nonMatching) = ShippedRules.TestEventsOf(Name);
        var ruleSet = RuleTrial.Compile(ShippedRules.All).RuleSet.Restrict(Name);

        var run = await RuleTestRun.RunAsync(ruleSet, Name, "tenant-a", nonMatching, matching, TimeProvider.System, CancellationToken.None);

        var outcome = Assert.Single(run.Outcomes);
        Assert.Equal(0, outcome.MatchingFindings);
        Assert.Equal(1, outcome.NonMatchingFindings);
        Assert.False(run.Passed);
    }

    [Fact]
    public async Task TestRun_WithoutEvents_DoesNotPass()
    {
        const string Name = "aws_ec2_flow_logs_deleted.yml";
        var ruleSet = RuleTrial.Compile(ShippedRules.All).RuleSet.Restrict(Name);

        var run = await RuleTestRun.RunAsync(ruleSet, Name, "tenant-a", null, null, TimeProvider.System, CancellationToken.None);

        Assert.False(run.Passed);
    }
}
