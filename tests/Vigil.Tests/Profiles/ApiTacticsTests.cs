using Vigil.Detection.Profiles;

namespace Vigil.Tests.Profiles;

public sealed class ApiTacticsTests
{
    [Theory]
    [InlineData("CreateAccessKey", AttackTactic.Persistence)]
    [InlineData("GetSecretValue", AttackTactic.CredentialAccess)]
    [InlineData("ListRoles", AttackTactic.Discovery)]
    [InlineData("DescribeSecurityGroups", AttackTactic.Discovery)]
    [InlineData("GetCallerIdentity", AttackTactic.Discovery)]
    [InlineData("PutBucketReplication", AttackTactic.Exfiltration)]
    [InlineData("StopLogging", AttackTactic.DefenseEvasion)]
    public void Default_MapsApi(string api, AttackTactic expected)
    {
        Assert.Equal(expected, ApiTactics.Default.TacticOf(api));
    }

    [Theory]
    [InlineData("CreateTags")]
    [InlineData("Getaway")]
    [InlineData("PutObject")]
    [InlineData("")]
    public void Default_NoTactic(string api)
    {
        Assert.Null(ApiTactics.Default.TacticOf(api));
    }

    [Fact]
    public void Default_EveryTacticHasApis()
    {
        foreach (var tactic in Enum.GetValues<AttackTactic>())
        {
            Assert.Contains(tactic, new[] { "GetPasswordData", "DeleteFlowLogs", "ListAccessKeys", "CreateSnapshot", "UpdateUser", "StartSession", "ImportKeyPair", "AddUserToGroup" }.Select(api => ApiTactics.Default.TacticOf(api)));
        }

        Assert.True(ApiTactics.Default.Count > 80);
    }

    [Fact]
    public void Parse_UnknownTacticNamesLine()
    {
        var error = Assert.Throws<FormatException>(() => ApiTactics.Parse(new StringReader("# header\nDiscovery\tListUsers\nLateralMovement\tSendCommand\n")));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("LateralMovement", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RepeatedApiRejected()
    {
        var error = Assert.Throws<FormatException>(() => ApiTactics.Parse(new StringReader("Discovery\tListUsers\nImpact\tListUsers\n")));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("listed twice", error.Message, StringComparison.Ordinal);
    }
}
