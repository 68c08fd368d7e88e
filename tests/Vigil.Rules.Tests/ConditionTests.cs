using Vigil.Rules.Events;
using Vigil.Rules.Tests.Support;

namespace Vigil.Rules.Tests;

/// <summary>The condition language over three selections, of which sel_a and sel_b match the record and filter_c does not.</summary>
public sealed class ConditionTests
{
    private const string Selections = """
        sel_a:
            eventName: ListBuckets
        sel_b:
            userIdentity.type: IAMUser
        filter_c:
            eventName: DeleteBucket
        _helper:
            eventName: Nothing
        """;

    [Theory]
    [InlineData("sel_a", true)]
    [InlineData("filter_c", false)]
    [InlineData("sel_a and sel_b", true)]
    [InlineData("sel_a and filter_c", false)]
    [InlineData("sel_a or filter_c", true)]
    [InlineData("not filter_c", true)]
    [InlineData("not sel_a", false)]
    [InlineData("sel_a and not filter_c", true)]
    [InlineData("filter_c or sel_a and sel_b", true)]
    [InlineData("(filter_c or sel_a) and not sel_b", false)]
    [InlineData("not (filter_c or sel_a)", false)]
    [InlineData("not not sel_a", true)]
    [InlineData("1 of sel_*", true)]
    [InlineData("all of sel_*", true)]
    [InlineData("any of filter*", false)]
    [InlineData("all of them", false)]
    [InlineData("1 of them", true)]
    [InlineData("1 of them and not 1 of filter_*", true)]
    [InlineData("sel_a AND NOT filter_c", true)]
    public async Task Condition_EvaluatesWithSigmaPrecedence(string condition, bool expected)
    {
        var record = await TestLogs.OneAsync(TestLogs.Record());
        var ruleSet = TestRules.Compile(TestRules.CloudTrail($"{Selections}\ncondition: {condition}"));

        var matched = ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]).Count == 1;

        Assert.Equal(expected, matched);
    }

    [Fact]
    public async Task ConditionList_JoinsWithOr()
    {
        var record = await TestLogs.OneAsync(TestLogs.Record());
        var ruleSet = TestRules.Compile(TestRules.CloudTrail($"{Selections}\ncondition:\n    - filter_c\n    - sel_b"));

        Assert.Single(ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]));
    }

    [Fact]
    public async Task ListOfMaps_JoinsMapsWithOr()
    {
        var record = await TestLogs.OneAsync(TestLogs.Record());
        var ruleSet = TestRules.Compile(TestRules.CloudTrail("selection:\n    - eventName: DeleteBucket\n    - eventSource: s3.amazonaws.com\n      awsRegion: us-east-1\ncondition: selection"));

        Assert.Single(ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]));
    }

    [Theory]
    [InlineData("sel_a and missing", "'missing', which is not a search identifier")]
    [InlineData("sel_a and (sel_b", "a '(' is not closed")]
    [InlineData("sel_a sel_b", "unexpected 'sel_b'")]
    [InlineData("1 of nothing_*", "matches no search identifier")]
    [InlineData("sel_a | count() by userName > 5", "deprecated")]
    [InlineData("sel_a and", "the condition ends")]
    [InlineData("SEL_A", "'SEL_A', which is not a search identifier")]
    public void InvalidCondition_IsRejectedWithReason(string condition, string reason)
    {
        var errors = TestRules.Errors(TestRules.CloudTrail($"{Selections}\ncondition: {condition}"));

        var error = Assert.Single(errors);
        Assert.Equal("detection.condition", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(15, error.Line);
    }

    [Fact]
    public void DeeplyNestedCondition_IsRejected()
    {
        var condition = string.Concat(Enumerable.Repeat("(", 200)) + "sel_a" + string.Concat(Enumerable.Repeat(")", 200));

        var error = Assert.Single(TestRules.Errors(TestRules.CloudTrail($"{Selections}\ncondition: {condition}")));

        Assert.Contains("nests deeper", error.Message, StringComparison.Ordinal);
    }
}
