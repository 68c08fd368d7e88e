using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class CustomThreatListCallerDetectorTests
{
    private static readonly (string, string) BlockedRanges = ("blocked-ranges", "# test list\n198.51.100.8/29\n");

    [Fact]
    public void ThreatList_SourceInsideCidr_Fires()
    {
        var record = TestEvents.ApiCall("s3.amazonaws.com", "ListBuckets", TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(CustomThreatListCallerDetector.FindingType, finding.Type);
        Assert.Equal("UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("198.51.100.12", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.IpAddressV4);
    }

    [Fact]
    public void ThreatList_Evidence_NamesListAndEntry()
    {
        var record = TestEvents.ApiCall("s3.amazonaws.com", "ListBuckets", TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        var detail = Assert.Single(finding.Service.Evidence!.ThreatIntelligenceDetails);
        Assert.Equal("blocked-ranges", detail.ThreatListName);
        Assert.Equal(["198.51.100.8/29"], detail.ThreatNames);
        Assert.Equal(64, detail.ThreatFileSha256?.Length);
        Assert.Equal("blocked-ranges", finding.Service.AdditionalInfo?["threatListName"]);
        Assert.Contains("198.51.100.8/29", finding.Description);
    }

    [Theory]
    [InlineData("198.51.100.20")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.12")]
    [InlineData("s3.amazonaws.com")]
    public void ThreatList_SourceOutsideList_DoesNotFire(string sourceIp)
    {
        var record = TestEvents.ApiCall("s3.amazonaws.com", "ListBuckets", TestEvents.Alice, sourceIp: sourceIp);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));
    }

    [Fact]
    public void ThreatList_OtherTenantsList_DoesNotFire()
    {
        var record = TestEvents.ApiCall("s3.amazonaws.com", "ListBuckets", TestEvents.Alice, sourceIp: "198.51.100.12");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context("tenant-b"), record));
    }
}
