using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class S3CustomThreatListCallerDetectorTests
{
    private static readonly (string, string) BlockedRanges = ("blocked-ranges", "198.51.100.8/29\n");

    [Theory]
    [InlineData("ListObjects")]
    [InlineData("ListObjectsV2")]
    [InlineData("GetObjectAcl")]
    [InlineData("HeadObject")]
    public void S3ThreatList_DiscoveryApi_RaisesDiscovery(string eventName)
    {
        var record = TestEvents.S3DataCall(eventName, TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(S3CustomThreatListCallerDetector.DiscoveryFindingType, finding.Type);
        Assert.Equal("Discovery:S3/MaliciousIPCaller.Custom", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal($"S3 discovery API {eventName} was invoked from an IP address on a custom threat list.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
        Assert.Equal(TestEvents.Bucket, finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::S3::Bucket"]);
        Assert.Equal("blocked-ranges", Assert.Single(finding.Service.Evidence!.ThreatIntelligenceDetails).ThreatListName);
    }

    [Theory]
    [InlineData("GetObject")]
    [InlineData("PutObject")]
    [InlineData("PutObjectAcl")]
    [InlineData("DeleteObject")]
    public void S3ThreatList_OtherApi_RaisesUnauthorizedAccess(string eventName)
    {
        var record = TestEvents.S3DataCall(eventName, TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(S3CustomThreatListCallerDetector.UnauthorizedAccessFindingType, finding.Type);
        Assert.Equal("UnauthorizedAccess:S3/MaliciousIPCaller.Custom", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal($"S3 API {eventName} was invoked from an IP address on a custom threat list.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Contains(TestEvents.Bucket, finding.Description);
    }

    [Fact]
    public void S3ThreatList_FailedCall_StillFires()
    {
        var record = TestEvents.S3DataCall("GetObject", TestEvents.Alice, errorCode: "AccessDenied", sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(S3CustomThreatListCallerDetector.UnauthorizedAccessFindingType, finding.Type);
    }

    [Fact]
    public void S3ThreatList_RecordWithoutCategory()
    {
        var record = TestEvents.S3DataCall("ListObjects", TestEvents.Alice, sourceIp: "198.51.100.12") with { EventCategory = null, ManagementEvent = null };

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(S3CustomThreatListCallerDetector.DiscoveryFindingType, finding.Type);
    }

    [Fact]
    public void S3ThreatList_SourceOutsideList()
    {
        var record = TestEvents.S3DataCall("GetObject", TestEvents.Alice, sourceIp: "198.51.100.40");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));
    }

    [Fact]
    public void S3ThreatList_ManagementEvent_RaisesIamType()
    {
        var record = TestEvents.ApiCall("s3.amazonaws.com", "ListBuckets", TestEvents.Alice, sourceIp: "198.51.100.12") with
        {
            EventCategory = "Management",
            ManagementEvent = true,
        };

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(CustomThreatListCallerDetector.ReconFindingType, finding.Type);
    }
}
