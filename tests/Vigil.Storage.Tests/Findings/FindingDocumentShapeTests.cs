using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Storage.Tests.Findings;

public sealed class FindingDocumentShapeTests
{
    [Theory]
    [InlineData("resource.accessKeyDetails.userName", "alice", """{"resource":{"accessKeyDetails":{"userName":"alice"}}}""")]
    [InlineData("service.evidence.threatIntelligenceDetails.threatNames", "192.0.2.1", """{"service":{"evidence":{"threatIntelligenceDetails":[{"threatNames":["192.0.2.1"]}]}}}""")]
    [InlineData("service.action.networkConnectionAction.remotePortDetails.port", "443", """{"service":{"action":{"networkConnectionAction":{"remotePortDetails":{"port":443}}}}}""")]
    [InlineData("service.additionalInfo.threatListName", "feed", """{"service":{"additionalInfo":{"threatListName":"feed"}}}""")]
    [InlineData("resource.instanceDetails.networkInterfaces.vpcId", "vpc-1", """{"resource":{"instanceDetails":{"networkInterfaces":[{"vpcId":"vpc-1"}]}}}""")]
    public void Containment_TypedPath_BuildsDocument(string path, string value, string expected)
    {
        Assert.Equal(expected, FindingDocumentShape.Containment(path.Split('.'), value));
    }

    [Theory]
    [InlineData("service.action.networkConnectionAction.remotePortDetails.port", "https")]
    [InlineData("service.unknownField.value", "x")]
    [InlineData("service.additionalInfo.threatListName.deeper", "x")]
    [InlineData("service.detection.anomaly.profiles.PRINCIPAL.API", "x")]
    public void Containment_UntypedOrMismatched_Null(string path, string value)
    {
        Assert.Null(FindingDocumentShape.Containment(path.Split('.'), value));
    }
}
