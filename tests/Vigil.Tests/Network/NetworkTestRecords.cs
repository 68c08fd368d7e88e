using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Tests.Detection;
using Vigil.Tests.Support;

namespace Vigil.Tests.Network;

/// <summary>Builds flow records, DNS queries and contexts with platform lists for the network detector tests.</summary>
internal static class NetworkTestRecords
{
    public const string Tenant = "tenant-a";
    public const string Interface = "eni-0a1b2c3d4e5f60001";
    public const string Local = "10.0.1.15";

    /// <summary>Returns a context whose platform lists have the given purposes and contents, plus optional tenant lists.</summary>
    public static DetectionContext Context(IEnumerable<(string Name, ThreatPurpose Purpose, string Content)> platform, string? tenantThreats = null, string? tenantTrusted = null)
    {
        var registry = new ThreatIntelRegistry();
        var results = registry.LoadPlatform(platform.Select(list => new ThreatListSource(list.Name, list.Content) { Purpose = list.Purpose }));
        Assert.All(results, result => Assert.Empty(result.Errors));
        var tenantLists = new List<ThreatListSource>();
        if (tenantThreats is not null)
        {
            tenantLists.Add(new ThreatListSource("tenant-threats", tenantThreats));
        }

        if (tenantTrusted is not null)
        {
            tenantLists.Add(new ThreatListSource("office", tenantTrusted) { Kind = ThreatListKind.Trusted });
        }

        registry.Load(Tenant, tenantLists);
        return new DetectionContext(Tenant, registry.For(Tenant), new FixedTimeProvider(TestEvents.Now));
    }

    public static DetectionContext Context(string name, ThreatPurpose purpose, string content) => Context([(name, purpose, content)]);

    /// <summary>Returns an accepted TCP flow record logged on <see cref="Interface"/>.</summary>
    public static FlowRecord Flow(
        string source, int sourcePort, string destination, int destinationPort, string action = FlowAction.Accept, int protocol = 6,
        long packets = 10, DateTimeOffset? time = null, int? tcpFlags = null) => new()
        {
            IngestTime = TestEvents.Now,
            AccountId = TestEvents.Account,
            InterfaceId = Interface,
            InstanceId = "i-0a1b2c3d4e5f60001",
            SourceAddress = source,
            DestinationAddress = destination,
            SourcePort = sourcePort,
            DestinationPort = destinationPort,
            Protocol = protocol,
            Packets = packets,
            Bytes = packets * 60,
            Start = (time ?? TestEvents.Time).AddSeconds(-30),
            End = time ?? TestEvents.Time,
            Action = action,
            LogStatus = FlowLogStatus.Ok,
            TcpFlags = tcpFlags,
        };

    /// <summary>Returns a Resolver query of <paramref name="name"/> by an instance, with optional A records in its answers.</summary>
    public static DnsQueryRecord Query(string name, params string[] answers) => new()
    {
        QueryTimestamp = TestEvents.Time,
        IngestTime = TestEvents.Now,
        AccountId = TestEvents.Account,
        Region = "eu-west-1",
        VpcId = "vpc-0a1b2c3d",
        QueryName = name,
        NormalizedQueryName = name.TrimEnd('.').ToLowerInvariant(),
        IsQueryNameValid = true,
        QueryType = "A",
        Answers = [.. answers.Select(answer => new DnsAnswer(answer, "A", "IN"))],
        SourceAddress = Local,
        SourceIds = new DnsQuerySourceIds { Instance = "i-0a1b2c3d4e5f60001" },
    };
}
