using Vigil.Contracts.Events;
using Vigil.Detection.Network;
using Vigil.Tests.Detection;

namespace Vigil.Tests.Network;

/// <summary>The endpoint keys of flow records and queries, and the grain keys the routers make from them in one string.</summary>
public sealed class EndpointKeyTests
{
    [Theory]
    [InlineData("111122223333", "eni-0a1b2c3d4e5f60001", null, "111122223333/eni:eni-0a1b2c3d4e5f60001")]
    [InlineData("111122223333", "eni-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60001", "111122223333/eni:eni-0a1b2c3d4e5f60001")]
    [InlineData("111122223333", null, "i-0a1b2c3d4e5f60001", "111122223333/instance:i-0a1b2c3d4e5f60001")]
    [InlineData("111122223333", null, null, "111122223333/eni:(unknown)")]
    [InlineData(null, "eni-0a1b2c3d4e5f60001", null, "unknown/eni:eni-0a1b2c3d4e5f60001")]
    [InlineData("unknown", "eni-0a1b2c3d4e5f60001", null, "unknown/eni:eni-0a1b2c3d4e5f60001")]
    public void Flow_Endpoint_GivesKeyAndGrainKey(string? account, string? interfaceId, string? instanceId, string expected)
    {
        var record = new FlowRecord { IngestTime = TestEvents.Now, AccountId = account, InterfaceId = interfaceId, InstanceId = instanceId };

        Assert.Equal(expected, EndpointKey.ForFlow(record));
        Assert.Equal("tenant-a/" + expected, EndpointKey.GrainKeyForFlow("tenant-a", record));
    }

    [Fact]
    public void Flow_LongInterfaceId_IsBounded()
    {
        var record = new FlowRecord { IngestTime = TestEvents.Now, AccountId = "111122223333", InterfaceId = "eni-" + new string('f', 2000) };

        var key = EndpointKey.ForFlow(record);

        Assert.Equal(EndpointKey.MaxLength, key.Length);
        Assert.Equal("tenant-a/" + key, EndpointKey.GrainKeyForFlow("tenant-a", record));
    }

    [Theory]
    [InlineData("i-0a1b2c3d4e5f60001", "111122223333/instance:i-0a1b2c3d4e5f60001")]
    [InlineData(null, "111122223333/address:vpc-0a1b2c3d/10.0.1.15")]
    public void Dns_Source_GivesKeyAndGrainKey(string? instance, string expected)
    {
        var record = Query(instance is null ? null : new DnsQuerySourceIds { Instance = instance });

        Assert.Equal(expected, EndpointKey.ForDns(record));
        Assert.Equal("tenant-a/" + expected, EndpointKey.GrainKeyForDns("tenant-a", record));
    }

    [Fact]
    public void Dns_LongInstanceId_IsBounded()
    {
        var record = Query(new DnsQuerySourceIds { Instance = "i-" + new string('f', 2000) });

        var key = EndpointKey.ForDns(record);

        Assert.Equal(EndpointKey.MaxLength, key.Length);
        Assert.Equal("tenant-a/" + key, EndpointKey.GrainKeyForDns("tenant-a", record));
    }

    private static DnsQueryRecord Query(DnsQuerySourceIds? sourceIds) => new()
    {
        QueryTimestamp = TestEvents.Time,
        IngestTime = TestEvents.Now,
        QueryName = "example.com.",
        NormalizedQueryName = "example.com",
        IsQueryNameValid = true,
        AccountId = "111122223333",
        VpcId = "vpc-0a1b2c3d",
        SourceAddress = "10.0.1.15",
        SourceIds = sourceIds,
    };
}
