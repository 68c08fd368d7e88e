using Vigil.Detection.Network;
using Vigil.Ingestion.ThreatLists;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Network;

public sealed class PlatformDnsDetectorTests
{
    [Theory]
    [InlineData(ThreatPurpose.CommandAndControl, "Backdoor:EC2/C&CActivity.B!DNS", 8.0)]
    [InlineData(ThreatPurpose.CryptoMining, "CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.0)]
    [InlineData(ThreatPurpose.Blackhole, "Trojan:EC2/BlackholeTraffic!DNS", 5.0)]
    [InlineData(ThreatPurpose.DgaDomain, "Trojan:EC2/DGADomainRequest.C!DNS", 8.0)]
    [InlineData(ThreatPurpose.DriveBySource, "Trojan:EC2/DriveBySourceTraffic!DNS", 8.0)]
    [InlineData(ThreatPurpose.DropPoint, "Trojan:EC2/DropPoint!DNS", 5.0)]
    [InlineData(ThreatPurpose.Phishing, "Trojan:EC2/PhishingDomainRequest!DNS", 8.0)]
    public void ListedSubdomain_RaisesPurposeType(ThreatPurpose purpose, string type, double severity)
    {
        var context = Context("feed", purpose, "bad.example.net\n");

        var findings = NetworkDetection.Default.InspectQueries([Query("www.bad.example.net.")], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal(type, finding.Type);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal("www.bad.example.net", finding.Service.Action.DnsRequestAction?.Domain);
        Assert.Equal("bad.example.net", finding.Service.Evidence?.ThreatIntelligenceDetails[0].ThreatNames[0]);
    }

    [Theory]
    [InlineData(ThreatPurpose.CommandAndControl)]
    [InlineData(ThreatPurpose.Phishing)]
    [InlineData(ThreatPurpose.DgaDomain)]
    public void SuffixWithoutLabel_RaisesNothing(ThreatPurpose purpose)
    {
        var context = Context("feed", purpose, "bad.example.net\n");

        var findings = NetworkDetection.Default.InspectQueries([Query("notbad.example.net.")], "endpoint", context);

        Assert.Empty(findings);
    }

    [Fact]
    public void AnswerOnBlackholeList_RaisesBlackhole()
    {
        var context = Context("sinkholes", ThreatPurpose.Blackhole, "192.0.2.66\n");

        var findings = NetworkDetection.Default.InspectQueries([Query("update.example.org.", "192.0.2.66")], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal("Trojan:EC2/BlackholeTraffic!DNS", finding.Type);
        Assert.Equal("192.0.2.66", finding.Service.AdditionalInfo?["answer"]);
    }

    [Fact]
    public void AnswerNotOnBlackholeList_RaisesNothing()
    {
        var context = Context("sinkholes", ThreatPurpose.Blackhole, "192.0.2.66\n");

        var findings = NetworkDetection.Default.InspectQueries([Query("update.example.org.", "192.0.2.67")], "endpoint", context);

        Assert.Empty(findings);
    }

    [Fact]
    public void AnswerIsMetadataService_RaisesRebind()
    {
        var context = Context([]);

        var findings = NetworkDetection.Default.InspectQueries([Query("rebind.example.org.", "203.0.113.5", "169.254.169.254")], "endpoint", context);

        var finding = Assert.Single(findings);
        Assert.Equal("UnauthorizedAccess:EC2/MetadataDNSRebind", finding.Type);
        Assert.Equal(8.0, finding.Severity);
    }

    [Theory]
    [InlineData("rebind.example.org.", "169.254.169.253")]
    [InlineData("instance-data.", "169.254.169.254")]
    [InlineData("instance-data.ec2.internal.", "169.254.169.254")]
    public void OtherAnswerOrAwsName_RaisesNoRebind(string name, string answer)
    {
        var context = Context([]);

        var findings = NetworkDetection.Default.InspectQueries([Query(name, answer)], "endpoint", context);

        Assert.Empty(findings);
    }

    [Fact]
    public void TrustedDomain_WinsOverPlatformList()
    {
        var context = Context([("feed", ThreatPurpose.Phishing, "bad.example.net\n")], tenantTrusted: "good.bad.example.net\n");

        var findings = NetworkDetection.Default.InspectQueries([Query("www.good.bad.example.net.")], "endpoint", context);

        Assert.Empty(findings);
    }
}
