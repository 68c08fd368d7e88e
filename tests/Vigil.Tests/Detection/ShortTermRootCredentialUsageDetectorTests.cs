using Vigil.Contracts.Events;
using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class ShortTermRootCredentialUsageDetectorTests
{
    private const string RootPrincipalKey = "111122223333/arn:aws:iam::111122223333:root";

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("true")]
    public void ShortTermRoot_AssumedRootSession_Fires(string marker)
    {
        var record = RootCall("DeleteBucketPolicy", $$$"""{"type": "Root", "sessionContext": {"attributes": {"mfaAuthenticated": "false"}, "assumedRoot": {{{marker}}}}}""");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(ShortTermRootCredentialUsageDetector.FindingType, finding.Type);
        Assert.Equal("Policy:IAMUser/ShortTermRootCredentialUsage", finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal("API DeleteBucketPolicy was invoked using short-term root credentials.", finding.Title);
        Assert.Equal("Root", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(RootPrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
    }

    [Fact]
    public void ShortTermRoot_FailedCall_StillFires()
    {
        var record = RootCall("DeleteBucketPolicy", """{"type": "Root", "sessionContext": {"assumedRoot": "true"}}""") with { ErrorCode = "AccessDenied" };

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(ShortTermRootCredentialUsageDetector.FindingType, finding.Type);
    }

    [Theory]
    [InlineData("""{"type": "Root"}""")]
    [InlineData("""{"type": "Root", "sessionContext": {"assumedRoot": "false"}}""")]
    [InlineData("""{"type": "Root", "sessionContext": {"attributes": {"assumedRoot": "true"}}}""")]
    [InlineData("""{"type": "Root", "sessionContext": "assumedRoot"}""")]
    public void ShortTermRoot_SignInCredentials_RaisesRootUsageOnly(string userIdentity)
    {
        var record = RootCall("CreateAccessKey", userIdentity);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(RootCredentialUsageDetector.FindingType, finding.Type);
    }

    [Fact]
    public void ShortTermRoot_MalformedRecord()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "CreateAccessKey", TestEvents.Root) with { RawJson = """{"userIdentity": {"sessionContext": {"assumedRoot": tru""" };

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(RootCredentialUsageDetector.FindingType, finding.Type);
    }

    [Fact]
    public void ShortTermRoot_AssumeRootCallerRole()
    {
        // The management account's role that calls sts:AssumeRoot carries the marker too, but it is not the root user.
        var role = new UserIdentity
        {
            Type = "AssumedRole",
            PrincipalId = "AROAEXAMPLEROLE00001:admin",
            Arn = "arn:aws:sts::111122223333:assumed-role/OrgAdmin/admin",
            AccountId = TestEvents.Account,
            SessionIssuerArn = "arn:aws:iam::111122223333:role/OrgAdmin",
            SessionIssuerUserName = "OrgAdmin",
        };
        var record = TestEvents.ApiCall("sts.amazonaws.com", "AssumeRoot", role) with
        {
            RawJson = """{"userIdentity": {"type": "AssumedRole", "sessionContext": {"assumedRoot": "true"}}}""",
        };

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    private static CloudTrailEvent RootCall(string eventName, string userIdentityJson) =>
        TestEvents.ApiCall("s3.amazonaws.com", eventName, TestEvents.Root with { AccessKeyId = "ASIAEXAMPLEROOT00001" }) with
        {
            RawJson = $$"""{"eventVersion": "1.10", "userIdentity": {{userIdentityJson}}, "eventName": "{{eventName}}"}""",
        };
}
