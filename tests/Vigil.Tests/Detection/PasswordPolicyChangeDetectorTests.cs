using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class PasswordPolicyChangeDetectorTests
{
    private const string Iam = "iam.amazonaws.com";

    private const string StrongPolicy = """
        {"minimumPasswordLength": 14, "requireSymbols": true, "requireNumbers": true, "requireUppercaseCharacters": true,
         "requireLowercaseCharacters": true, "passwordReusePrevention": 24, "maxPasswordAge": 90}
        """;

    [Fact]
    public void PasswordPolicy_Deleted_FiresHigh()
    {
        var record = TestEvents.ApiCall(Iam, "DeleteAccountPasswordPolicy", TestEvents.Alice);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(PasswordPolicyChangeDetector.FindingType, finding.Type);
        Assert.Equal("Stealth:IAMUser/PasswordPolicyChange", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("The account password policy was deleted.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
    }

    [Theory]
    [InlineData("""{"minimumPasswordLength": 6, "requireSymbols": true, "requireNumbers": true, "requireUppercaseCharacters": true, "requireLowercaseCharacters": true, "passwordReusePrevention": 24}""", 8.0)]
    [InlineData("""{"minimumPasswordLength": 12, "requireSymbols": true, "requireNumbers": true, "requireUppercaseCharacters": true, "requireLowercaseCharacters": true, "passwordReusePrevention": 24}""", 5.0)]
    [InlineData("""{"minimumPasswordLength": 16, "requireSymbols": false, "requireNumbers": false, "requireUppercaseCharacters": true, "requireLowercaseCharacters": true, "passwordReusePrevention": 24}""", 5.0)]
    [InlineData("""{"minimumPasswordLength": 16, "requireNumbers": true, "requireUppercaseCharacters": true, "requireLowercaseCharacters": true, "passwordReusePrevention": 24}""", 2.0)]
    [InlineData("""{"minimumPasswordLength": 16, "requireSymbols": true, "requireNumbers": true, "requireUppercaseCharacters": true, "requireLowercaseCharacters": true, "passwordReusePrevention": 0}""", 2.0)]
    [InlineData("""{"minimumPasswordLength": "16", "requireSymbols": "true", "requireNumbers": "true", "requireUppercaseCharacters": "true", "requireLowercaseCharacters": "true"}""", 2.0)]
    public void PasswordPolicy_WeakUpdate_FiresWithScoredSeverity(string parameters, double severity)
    {
        var record = TestEvents.ApiCall(Iam, "UpdateAccountPasswordPolicy", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(PasswordPolicyChangeDetector.FindingType, finding.Type);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal("The account password policy was weakened.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("[1, 2]")]
    [InlineData("""{"minimumPasswordLength": 1e999}""")]
    public void PasswordPolicy_UpdateOmittingFields_ScoresApiDefaults(string? parameters)
    {
        var record = TestEvents.ApiCall(Iam, "UpdateAccountPasswordPolicy", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(8.0, finding.Severity);
        Assert.Contains("minimum password length 6 (below 8)", finding.Description);
        Assert.Contains("symbols not required", finding.Description);
        Assert.Contains("password reuse prevention off", finding.Description);
    }

    [Fact]
    public void PasswordPolicy_Description_ListsWeaknesses()
    {
        var parameters = """{"minimumPasswordLength": 10, "requireSymbols": true, "requireNumbers": true, "requireUppercaseCharacters": true, "passwordReusePrevention": 5}""";
        var record = TestEvents.ApiCall(Iam, "UpdateAccountPasswordPolicy", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Contains("minimum password length 10 (below 14)", finding.Description);
        Assert.Contains("lower-case letters not required", finding.Description);
        Assert.DoesNotContain("symbols not required", finding.Description);
        Assert.DoesNotContain("reuse", finding.Description);
    }

    [Fact]
    public void PasswordPolicy_StrongUpdate_DoesNotFire()
    {
        var record = TestEvents.ApiCall(Iam, "UpdateAccountPasswordPolicy", TestEvents.Alice, StrongPolicy);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Theory]
    [InlineData("DeleteAccountPasswordPolicy")]
    [InlineData("UpdateAccountPasswordPolicy")]
    public void PasswordPolicy_FailedCall_DoesNotFire(string eventName)
    {
        var record = TestEvents.ApiCall(Iam, eventName, TestEvents.Alice, """{"minimumPasswordLength": 6}""", errorCode: "AccessDenied");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void PasswordPolicy_OtherService_DoesNotFire()
    {
        var record = TestEvents.ApiCall("cognito-idp.amazonaws.com", "DeleteAccountPasswordPolicy", TestEvents.Alice);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }
}
