using Vigil.Rules.Events;
using Vigil.Rules.Tests.Support;

namespace Vigil.Rules.Tests;

/// <summary>Each Sigma value modifier, wildcards, escapes and null values against one CloudTrail record.</summary>
public sealed class ModifierTests
{
    private const string Extra = """
        ,"errorCode":null,"requestParameters":{"userName":"Bob.Admin","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess","count":42,"ratio":0.5,"enabled":true,
        "literal":"a*b?c\\d","empty":"","tags":[{"key":"env","value":"prod"},{"key":"team","value":"blue"}],
        "encoded":"cG93ZXJzaGVsbCAtZW5jb2RlZCBzb21ldGhpbmc=","wideEncoded":"JABlAG4AdgA6AHAAYQB0AGgA","commandLine":"tool /quiet –verbose",
        "multiline":"first line\nsecond line"},
        "sourceIPAddress":"2001:db8:bad::17"
        """;

    [Theory]
    [InlineData("requestParameters.userName: bob.admin", true)]
    [InlineData("requestParameters.userName: bob", false)]
    [InlineData("requestParameters.userName|cased: bob.admin", false)]
    [InlineData("requestParameters.userName|cased: Bob.Admin", true)]
    [InlineData("requestParameters.userName|contains: B.AD", true)]
    [InlineData("requestParameters.userName|startswith: bob.", true)]
    [InlineData("requestParameters.userName|startswith: admin", false)]
    [InlineData("requestParameters.userName|endswith: .ADMIN", true)]
    [InlineData("requestParameters.userName: 'b?b.*'", true)]
    [InlineData("requestParameters.userName: 'b?.*'", false)]
    [InlineData("requestParameters.userName: '*.adm*'", true)]
    [InlineData("requestParameters.literal: 'a\\*b\\?c\\d'", true)]
    [InlineData("requestParameters.literal: 'a\\*bXc*'", false)]
    [InlineData("requestParameters.literal|endswith: '\\d'", true)]
    [InlineData("requestParameters.count: 42", true)]
    [InlineData("requestParameters.count|gt: 41", true)]
    [InlineData("requestParameters.count|gte: 42", true)]
    [InlineData("requestParameters.count|lt: 42", false)]
    [InlineData("requestParameters.count|lte: 42", true)]
    [InlineData("requestParameters.ratio|lt: 1", true)]
    [InlineData("requestParameters.enabled: true", true)]
    [InlineData("requestParameters.empty: ''", true)]
    [InlineData("requestParameters.userName: ''", false)]
    [InlineData("errorCode: null", true)]
    [InlineData("requestParameters.missing: null", true)]
    [InlineData("requestParameters.userName: null", false)]
    [InlineData("errorCode|exists: true", true)]
    [InlineData("requestParameters.missing|exists: false", true)]
    [InlineData("requestParameters.userName|exists: false", false)]
    [InlineData("requestParameters.tags.value: blue", true)]
    [InlineData("requestParameters.tags.key|all: [env, team]", true)]
    [InlineData("requestParameters.tags.key|all: [env, owner]", false)]
    [InlineData("requestParameters.policyArn|contains|all: [iam, Administrator]", true)]
    [InlineData("requestParameters.policyArn|contains|all: [iam, ReadOnly]", false)]
    [InlineData("requestParameters.userName|re: '^Bob\\.'", true)]
    [InlineData("requestParameters.userName|re: '^bob\\.'", false)]
    [InlineData("requestParameters.userName|re|i: '^bob\\.'", true)]
    [InlineData("requestParameters.multiline|re: '^second'", false)]
    [InlineData("requestParameters.multiline|re|m: '^second'", true)]
    [InlineData("requestParameters.multiline|re: 'line.second'", false)]
    [InlineData("requestParameters.multiline|re|s: 'line.second'", true)]
    [InlineData("sourceIPAddress|cidr: 2001:db8:bad::/48", true)]
    [InlineData("sourceIPAddress|cidr: 203.0.113.0/24", false)]
    [InlineData("requestParameters.encoded|base64offset|contains: 'encoded'", true)]
    [InlineData("requestParameters.encoded|base64offset|contains: 'hidden'", false)]
    [InlineData("requestParameters.encoded|base64: 'powershell -encoded something'", true)]
    [InlineData("requestParameters.encoded|base64|startswith: 'powershell'", false)]
    [InlineData("requestParameters.wideEncoded|wide|base64offset|contains: 'env:path'", true)]
    [InlineData("requestParameters.commandLine|windash|contains: ' -verbose'", true)]
    [InlineData("requestParameters.commandLine|contains: ' -verbose'", false)]
    [InlineData("requestParameters.userName|neq: someone", true)]
    [InlineData("requestParameters.userName|neq: bob.admin", false)]
    [InlineData("userIdentity.userName|fieldref: userIdentity.userName", true)]
    [InlineData("requestParameters.userName|fieldref: userIdentity.userName", false)]
    [InlineData("eventTime|hour: 10", true)]
    [InlineData("eventTime|minute|gte: 30", false)]
    public async Task FieldValue_MatchesAsSigmaDefines(string selection, bool expected)
    {
        var record = await TestLogs.OneAsync(TestLogs.Record("AttachUserPolicy", Extra));
        var ruleSet = TestRules.Compile(TestRules.CloudTrail($"selection:\n    {selection}\ncondition: selection"));

        var matched = ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]).Count == 1;

        Assert.Equal(expected, matched);
    }

    [Theory]
    [InlineData("- AdministratorAccess", true)]
    [InlineData("- administratoraccess", true)]
    [InlineData("- NotInTheRecord", false)]
    [InlineData("'|all':\n        - AdministratorAccess\n        - Bob", true)]
    [InlineData("'|all':\n        - AdministratorAccess\n        - Carol", false)]
    public async Task Keywords_SearchEveryTextValue(string keywords, bool expected)
    {
        var record = await TestLogs.OneAsync(TestLogs.Record("AttachUserPolicy", Extra));
        var ruleSet = TestRules.Compile(TestRules.CloudTrail($"keywords:\n    {keywords}\ncondition: keywords"));

        var matched = ruleSet.Match(SigmaLogSource.CloudTrail, [new CloudTrailRuleEvent(record)]).Count == 1;

        Assert.Equal(expected, matched);
    }

    [Fact]
    public void Base64Offset_ReturnsThreeShiftedForms()
    {
        var forms = Parsing.DetectionCompiler.Base64Offsets("http://"u8.ToArray());

        Assert.Equal(["aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"], forms);
    }
}
