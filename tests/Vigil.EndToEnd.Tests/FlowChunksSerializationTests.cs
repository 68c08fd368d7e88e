using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Vigil.Abstractions;
using Vigil.Contracts.Events;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// An endpoint grain call of flow records survives the serializer that carries it between silos.
/// The records are values of <see cref="FlowRecord"/>, which the contracts' JSON codec writes.
/// </summary>
public sealed class FlowChunksSerializationTests
{
    [Fact]
    public void FlowChunks_RoundTrip()
    {
        using var services = new ServiceCollection().AddVigilSerialization().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var start = new DateTimeOffset(2024, 3, 5, 10, 10, 0, TimeSpan.Zero);
        var plain = new FlowRecord
        {
            IngestTime = start.AddMinutes(5),
            Version = 2,
            AccountId = "123456789012",
            InterfaceId = "eni-0a1b2c3d",
            SourceAddress = "10.0.1.5",
            DestinationAddress = "198.51.100.7",
            SourcePort = 49152,
            DestinationPort = 443,
            Protocol = 6,
            Packets = 10,
            Bytes = 8400,
            Start = start,
            End = start.AddMinutes(1),
            Action = FlowAction.Accept,
            LogStatus = FlowLogStatus.Ok,
            Region = "us-east-1",
        };
        var extended = plain with { VpcId = "vpc-0abc", TcpFlags = 18, TransitGatewayId = "tgw-0123" };
        var call = new FlowChunks("tenant-a", [new RecordChunk<FlowRecord>("chunk-1", [plain, extended]), new RecordChunk<FlowRecord>("chunk-2", [])]);

        var copy = serializer.Deserialize<FlowChunks>(serializer.SerializeToArray(call))!;

        Assert.Equal("tenant-a", copy.TenantId);
        Assert.Equal(["chunk-1", "chunk-2"], copy.Chunks.Select(chunk => chunk.ChunkKey));
        Assert.Equal([plain, extended], copy.Chunks[0].Records);
        Assert.Empty(copy.Chunks[1].Records);
        Assert.Equal("us-east-1", copy.Chunks[0].Records[1].Region);
        Assert.Equal(FlowTcpFlags.SynAck, copy.Chunks[0].Records[1].TcpFlagSet);
    }
}
