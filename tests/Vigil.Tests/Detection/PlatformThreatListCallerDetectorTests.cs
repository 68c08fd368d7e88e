using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Tests.Support;

namespace Vigil.Tests.Detection;

public sealed class PlatformThreatListCallerDetectorTests
{
    private const string Malicious = "198.51.100.7";
    private const string TorExit = "192.0.2.44";

    private static DetectionContext Context(string? tenantThreats = null)
    {
        var registry = new ThreatIntelRegistry();
        registry.LoadPlatform([
            new ThreatListSource("bad-ips", Malicious + "\n") { Purpose = ThreatPurpose.MaliciousIp },
            new ThreatListSource("tor-exits", TorExit + "\n") { Purpose = ThreatPurpose.Tor },
        ]);
        if (tenantThreats is not null)
        {
            registry.Load("tenant-a", [new ThreatListSource("tenant-threats", tenantThreats)]);
        }

        return new DetectionContext("tenant-a", registry.For("tenant-a"), new FixedTimeProvider(TestEvents.Now));
    }

    [Theory]
    [InlineData("ListUsers", Malicious, "Recon:IAMUser/MaliciousIPCaller")]
    [InlineData("CreateUser", Malicious, "UnauthorizedAccess:IAMUser/MaliciousIPCaller")]
    [InlineData("DescribeInstances", TorExit, "Recon:IAMUser/TorIPCaller")]
    [InlineData("GetSecretValue", TorExit, "UnauthorizedAccess:IAMUser/TorIPCaller")]
    public void ManagementCall_RaisesIamType(string api, string source, string type)
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", api, TestEvents.Alice, sourceIp: source);

        var findings = TestEvents.Inspect(Context(), record);

        var finding = Assert.Single(findings);
        Assert.Equal(type, finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal(source, finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatNames[0]);
    }

    [Theory]
    [InlineData("ListObjects", Malicious, "Discovery:S3/MaliciousIPCaller", 8.0)]
    [InlineData("GetObject", Malicious, "Exfiltration:S3/MaliciousIPCaller", 8.0)]
    [InlineData("DeleteObject", Malicious, "Impact:S3/MaliciousIPCaller", 8.0)]
    [InlineData("PutObjectAcl", Malicious, "Impact:S3/MaliciousIPCaller", 8.0)]
    [InlineData("GetObjectAcl", TorExit, "Discovery:S3/TorIPCaller", 5.0)]
    [InlineData("GetObject", TorExit, "UnauthorizedAccess:S3/TorIPCaller", 8.0)]
    public void S3DataCall_RaisesS3Type(string api, string source, string type, double severity)
    {
        var record = TestEvents.S3DataCall(api, TestEvents.Alice, sourceIp: source);

        var findings = TestEvents.Inspect(Context(), record);

        var finding = Assert.Single(findings);
        Assert.Equal(type, finding.Type);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal(TestEvents.Bucket, finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::S3::Bucket"]);
    }

    [Fact]
    public void UnlistedSource_RaisesNothing()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Alice, sourceIp: "198.51.100.8");

        Assert.Empty(TestEvents.Inspect(Context(), record));
    }

    [Fact]
    public void ServiceNameSource_RaisesNothing()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Alice, sourceIp: "cloudformation.amazonaws.com");

        Assert.Empty(TestEvents.Inspect(Context(), record));
    }

    [Fact]
    public void TenantAndPlatformList_RaiseBothTypes()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Alice, sourceIp: Malicious);

        var types = TestEvents.Inspect(Context(tenantThreats: Malicious + "\n"), record).Select(finding => finding.Type).ToList();

        Assert.Contains("Recon:IAMUser/MaliciousIPCaller", types);
        Assert.Contains("Recon:IAMUser/MaliciousIPCaller.Custom", types);
    }
}
