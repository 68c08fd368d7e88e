using Vigil.Rules.Tests.Support;

namespace Vigil.Rules.Tests;

/// <summary>Bad rules are reported with file, line, column, field and reason; the good rules of the same batch still load.</summary>
public sealed class RuleErrorTests
{
    [Fact]
    public void InvalidYaml_NamesFileAndLine()
    {
        var compilation = RuleSetCompiler.Compile([new RuleSource("broken.yml", "title: Broken\ndetection:\n  selection: [unclosed\n  condition: selection\n")]);

        var error = Assert.Single(compilation.Diagnostics);
        Assert.Equal(RuleDiagnosticSeverity.Error, error.Severity);
        Assert.Equal("broken.yml", error.Source);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.Contains("invalid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownModifier_NamesFieldAndLine()
    {
        var error = Assert.Single(TestRules.Errors(TestRules.CloudTrail("selection:\n    eventName|containz: Delete\ncondition: selection")));

        Assert.Equal("detection.selection.eventName|containz", error.Field);
        Assert.Equal(8, error.Line);
        Assert.Equal(9, error.Column);
        Assert.Contains("unknown value modifier 'containz'", error.Message, StringComparison.Ordinal);
        Assert.Equal("bad.yml:8:9: error: detection.selection.eventName|containz: " + error.Message, error.ToString());
    }

    [Theory]
    [InlineData("eventName|re: '(a)\\1'", "linear-time matching cannot run")]
    [InlineData("eventName|re: '(?<=a)b'", "linear-time matching cannot run")]
    [InlineData("eventName|re: '(unclosed'", "invalid regular expression")]
    [InlineData("sourceIPAddress|cidr: 10.0.0.1/8", "host bits must be zero")]
    [InlineData("sourceIPAddress|cidr: not-a-network", "is not a CIDR network")]
    [InlineData("eventName|gt: many", "is not a number")]
    [InlineData("eventName|exists: maybe", "'exists' takes one value")]
    [InlineData("eventName|all: only-one", "'all' needs a list")]
    [InlineData("eventName|expand: '%Admins%'", "placeholders")]
    [InlineData("eventName|wide: cmd", "follow them with 'base64'")]
    [InlineData("eventName|base64: 'power*'", "has wildcards")]
    [InlineData("eventName|i: x", "only apply after 're'")]
    [InlineData("eventName|windash: '-a -b -c -d -e'", "at most 625")]
    [InlineData("eventName: {nested: map}", "a field value must be")]
    public void InvalidValue_IsRejectedWithReason(string entry, string reason)
    {
        var error = Assert.Single(TestRules.Errors(TestRules.CloudTrail($"selection:\n    {entry}\ncondition: selection")));

        Assert.StartsWith("detection.selection.", error.Field, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("logsource:\n    product: windows\n    service: security\ndetection:\n    selection:\n        EventID: 4625\n    condition: selection", "logsource", "unsupported log source")]
    [InlineData("logsource:\n    product: aws\n    service: cloudtrail", "detection", "no 'detection'")]
    [InlineData("logsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    selection:\n        eventName: X", "detection", "no 'condition'")]
    [InlineData("logsource:\n    product: aws\n    service: cloudtrail\nlevel: severe\ndetection:\n    selection:\n        eventName: X\n    condition: selection", "level", "invalid level 'severe'")]
    public void InvalidRule_IsRejectedWithReason(string body, string field, string reason)
    {
        var error = Assert.Single(TestRules.Errors("title: Bad\n" + body + "\n"));

        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralErrors_AreAllReported()
    {
        const string yaml = "title: Bad\nlogsource:\n    product: windows\ndetection:\n    selection:\n        eventName|foo: X\n    other:\n        eventName|re: '(unclosed'\n    condition: selectionn\n";

        var errors = TestRules.Errors(yaml);

        Assert.Equal(4, errors.Count);
        Assert.Equal("logsource", errors[0].Field);
        Assert.Contains("unsupported log source", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("detection.selection.eventName|foo", errors[1].Field);
        Assert.Equal(6, errors[1].Line);
        Assert.Equal("detection.other.eventName|re", errors[2].Field);
        Assert.Equal("detection.condition", errors[3].Field);
        Assert.Contains("selectionn", errors[3].Message, StringComparison.Ordinal);
        Assert.Empty(RuleSetCompiler.Compile([new RuleSource("bad.yml", yaml)]).RuleSet.Rules);
    }

    [Fact]
    public void BadRule_LeavesOtherRulesLoaded()
    {
        var good = TestRules.CloudTrail("selection:\n    eventName: DeleteTrail\ncondition: selection");
        var bad = TestRules.CloudTrail("selection:\n    eventName|re: '(a)\\1'\ncondition: selection").Replace("id: test-rule", "id: bad-rule", StringComparison.Ordinal);

        var compilation = RuleSetCompiler.Compile([new RuleSource("good.yml", good), new RuleSource("bad.yml", bad)]);

        var rule = Assert.Single(compilation.RuleSet.Rules);
        Assert.Equal("test-rule", rule.Header.Id);
        Assert.Equal("bad.yml", Assert.Single(compilation.Diagnostics).Source);
    }

    [Fact]
    public void YamlAlias_IsRejected()
    {
        var error = Assert.Single(TestRules.Errors(TestRules.CloudTrail("selection:\n    eventName: &name DeleteTrail\n    eventSource: *name\ncondition: selection")));

        Assert.Contains("aliases", error.Message, StringComparison.Ordinal);
        Assert.Equal(9, error.Line);
    }

    [Fact]
    public void DeepYaml_IsRejectedBeforeParsing()
    {
        var deep = "title: Deep\nx: " + string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000)) + "\n";

        var error = Assert.Single(TestRules.Errors(deep));

        Assert.Contains("nests deeper than 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFlowField_IsWarned()
    {
        var yaml = """
            title: Flow
            logsource:
                product: aws
                service: vpcflowlogs
            detection:
                selection:
                    dst_port: 22
                condition: selection
            """;

        var compilation = RuleSetCompiler.Compile([new RuleSource("flow.yml", yaml)]);

        Assert.Single(compilation.RuleSet.Rules);
        var warning = Assert.Single(compilation.Diagnostics);
        Assert.Equal(RuleDiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(7, warning.Line);
    }

    [Fact]
    public void CustomFindingType_IsValidated()
    {
        var rule = TestRules.CloudTrail("selection:\n    eventName: X\ncondition: selection", "vigil:\n    finding_type: 'not a type'");

        var error = Assert.Single(TestRules.Errors(rule));

        Assert.Equal("vigil.finding_type", error.Field);
    }

    [Fact]
    public void CustomFindingTypeAndSeverity_AreApplied()
    {
        var ruleSet = TestRules.Compile(TestRules.CloudTrail("selection:\n    eventName: X\ncondition: selection", "vigil:\n    finding_type: Persistence:IAMUser/SamlProviderUpdated.Custom\n    severity: 7.5"));

        var header = Assert.Single(ruleSet.Rules).Header;
        Assert.Equal("Persistence:IAMUser/SamlProviderUpdated.Custom", header.FindingType);
        Assert.Equal(7.5, header.Severity);
    }
}
