using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class CustomThreatListCallerDetectorTests
{
    private static readonly (string, string) BlockedRanges = ("blocked-ranges", "# test list\n198.51.100.8/29\n");

    [Fact]
    public void ThreatList_SourceInsideCidr_Fires()
    {
        var record = TestEvents.ApiCall("ec2.amazonaws.com", "RunInstances", TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(CustomThreatListCallerDetector.FindingType, finding.Type);
        Assert.Equal("UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("API RunInstances was invoked from an IP address on a custom threat list.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
        Assert.Equal("198.51.100.12", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.IpAddressV4);
    }

    [Fact]
    public void ThreatList_Evidence_NamesListAndEntry()
    {
        var record = TestEvents.ApiCall("ec2.amazonaws.com", "RunInstances", TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        var detail = Assert.Single(finding.Service.Evidence!.ThreatIntelligenceDetails);
        Assert.Equal("blocked-ranges", detail.ThreatListName);
        Assert.Equal(["198.51.100.8/29"], detail.ThreatNames);
        Assert.Equal(64, detail.ThreatFileSha256?.Length);
        Assert.Equal("blocked-ranges", finding.Service.AdditionalInfo?["threatListName"]);
        Assert.Contains("198.51.100.8/29", finding.Description);
    }

    [Theory]
    [InlineData("s3.amazonaws.com", "ListBuckets")]
    [InlineData("ec2.amazonaws.com", "DescribeInstances")]
    [InlineData("sts.amazonaws.com", "GetCallerIdentity")]
    [InlineData("cloudtrail.amazonaws.com", "LookupEvents")]
    [InlineData("iam.amazonaws.com", "GenerateCredentialReport")]
    public void ThreatList_ReconApi_RaisesReconOnly(string eventSource, string eventName)
    {
        var record = TestEvents.ApiCall(eventSource, eventName, TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(CustomThreatListCallerDetector.ReconFindingType, finding.Type);
        Assert.Equal("Recon:IAMUser/MaliciousIPCaller.Custom", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal($"Reconnaissance API {eventName} was invoked from an IP address on a custom threat list.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
        Assert.Equal("blocked-ranges", finding.Service.AdditionalInfo?["threatListName"]);
    }

    [Theory]
    [InlineData("secretsmanager.amazonaws.com", "GetSecretValue")]
    [InlineData("ec2.amazonaws.com", "GetPasswordData")]
    [InlineData("iam.amazonaws.com", "CreateUser")]
    public void ThreatList_CredentialOrWriteApi_RaisesUnauthorizedAccess(string eventSource, string eventName)
    {
        var record = TestEvents.ApiCall(eventSource, eventName, TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(CustomThreatListCallerDetector.FindingType, finding.Type);
    }

    [Fact]
    public void ThreatList_FailedCall_StillFires()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Alice, errorCode: "AccessDenied", sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(CustomThreatListCallerDetector.ReconFindingType, finding.Type);
        Assert.Equal("AccessDenied", finding.Service.Action.AwsApiCallAction?.ErrorCode);
    }

    [Theory]
    [InlineData("ListBuckets", true)]
    [InlineData("DescribeDBInstances", true)]
    [InlineData("Get", true)]
    [InlineData("GetBucketPolicy", true)]
    [InlineData("Getaway", false)]
    [InlineData("Listen", false)]
    [InlineData("GetSecretValue", false)]
    [InlineData("BatchGetSecretValue", false)]
    [InlineData("StopLogging", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsReconApi_Name_MatchesWholeWordPrefix(string? eventName, bool expected)
    {
        Assert.Equal(expected, CustomThreatListCallerDetector.IsReconApi(eventName));
    }

    [Fact]
    public void ThreatList_S3DataEvent()
    {
        var record = TestEvents.S3DataCall("GetObject", TestEvents.Alice, sourceIp: "198.51.100.12");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a", BlockedRanges), record));

        Assert.Equal(S3CustomThreatListCallerDetector.UnauthorizedAccessFindingType, finding.Type);
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
