using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class RootCredentialUsageDetectorTests
{
    [Fact]
    public void RootUsage_RootCall_Fires()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "CreateAccessKey", TestEvents.Root);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(RootCredentialUsageDetector.FindingType, finding.Type);
        Assert.Equal("Policy:IAMUser/RootCredentialUsage", finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal(TestEvents.Account, finding.AccountId);
        Assert.Equal("us-east-1", finding.Region);
        Assert.Equal("Root", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal("CreateAccessKey", finding.Service.Action.AwsApiCallAction?.Api);
        Assert.Equal("203.0.113.50", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.IpAddressV4);
        Assert.Equal(TestEvents.Time, finding.Service.EventFirstSeen);
        Assert.Equal(TestEvents.Now, finding.CreatedAt);
    }

    [Fact]
    public void RootUsage_InvokedByService_DoesNotFire()
    {
        var identity = TestEvents.Root with { InvokedBy = "support.amazonaws.com" };
        var record = TestEvents.ApiCall("iam.amazonaws.com", "GetAccountSummary", identity, sourceIp: "support.amazonaws.com");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void RootUsage_ServiceEvent_DoesNotFire()
    {
        var record = TestEvents.ApiCall("signin.amazonaws.com", "ConsoleLogin", TestEvents.Root) with { EventType = "AwsServiceEvent" };

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void RootUsage_IamUser_DoesNotFire()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "CreateAccessKey", TestEvents.Alice);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }
}
