using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Detection.Network;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.Detection;

public sealed class TrustedListTests
{
    private const string Tenant = "tenant-a";

    [Fact]
    public void CloudTrail_TrustedSource_RaisesNothing()
    {
        var context = ContextWith(threat: "198.51.100.0/24\n", trusted: "198.51.100.23\n");
        var trusted = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Root, sourceIp: "198.51.100.23");
        var untrusted = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Root, sourceIp: "198.51.100.24", time: TestEvents.Time.AddMinutes(1));

        var fromTrusted = CloudTrailDetection.Default.Inspect([trusted], "principal", context);
        var fromUntrusted = CloudTrailDetection.Default.Inspect([untrusted], "principal", context);

        Assert.Empty(fromTrusted);
        Assert.Contains(fromUntrusted, finding => finding.Type == "Policy:IAMUser/RootCredentialUsage");
        Assert.Contains(fromUntrusted, finding => finding.Type == "Recon:IAMUser/MaliciousIPCaller.Custom");
    }

    [Fact]
    public void Flow_TrustedRemote_RaisesNothing()
    {
        var context = ContextWith(threat: "198.51.100.0/24\n", trusted: "198.51.100.23\n");

        var trusted = NetworkDetection.Default.InspectFlows([Flow("198.51.100.23")], "endpoint", context);
        var listed = NetworkDetection.Default.InspectFlows([Flow("198.51.100.24")], "endpoint", context);

        Assert.Empty(trusted);
        Assert.Single(listed);
    }

    [Fact]
    public void Dns_TrustedSubdomain_RaisesNothing()
    {
        var context = ContextWith(threat: "bad.example.net\n", trusted: "good.bad.example.net\n");

        var trusted = NetworkDetection.Default.InspectQueries([Query("www.good.bad.example.net")], "endpoint", context);
        var listed = NetworkDetection.Default.InspectQueries([Query("www.bad.example.net")], "endpoint", context);

        Assert.Empty(trusted);
        Assert.Single(listed);
    }

    private static DetectionContext ContextWith(string threat, string trusted)
    {
        var registry = new ThreatIntelRegistry();
        registry.Load(Tenant, [
            new ThreatListSource("threats", threat),
            new ThreatListSource("office", trusted) { Kind = ThreatListKind.Trusted },
        ]);
        return new DetectionContext(Tenant, registry.For(Tenant), TimeProvider.System);
    }

    private static FlowRecord Flow(string remote) => new()
    {
        IngestTime = TestEvents.Now,
        AccountId = "111122223333",
        InterfaceId = "eni-0a1b2c3d4e5f60001",
        SourceAddress = "10.0.1.15",
        DestinationAddress = remote,
        SourcePort = 49152,
        DestinationPort = 443,
        Protocol = 6,
        Start = TestEvents.Time,
        End = TestEvents.Time.AddMinutes(1),
        Action = FlowAction.Accept,
        LogStatus = FlowLogStatus.Ok,
    };

    private static DnsQueryRecord Query(string name) => new()
    {
        QueryTimestamp = TestEvents.Time,
        IngestTime = TestEvents.Now,
        QueryName = name + ".",
        NormalizedQueryName = name,
        IsQueryNameValid = true,
        AccountId = "111122223333",
        SourceAddress = "10.0.1.15",
    };
}
