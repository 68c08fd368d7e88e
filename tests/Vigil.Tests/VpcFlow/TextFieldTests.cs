using Vigil.Contracts.Events;

namespace Vigil.Tests.VpcFlow;

/// <summary>Status records, large counters, IPv6, TCP flags and Transit Gateway fields.</summary>
public sealed class TextFieldTests
{
    [Fact]
    public async Task Reader_NoDataSkipDataReject_ReadsAll()
    {
        var read = await FlowTextRead.FixtureAsync("nodata-skipdata-reject.log");

        Assert.Equal(3, read.Records.Count);
        Assert.Empty(read.Rejections);
        Assert.Equal([FlowLogStatus.NoData, FlowLogStatus.SkipData, FlowLogStatus.Ok], read.Records.Select(record => record.LogStatus));
    }

    [Fact]
    public async Task Reader_SkipData_NullAddressesPortsCounters()
    {
        var skip = (await FlowTextRead.FixtureAsync("nodata-skipdata-reject.log")).Records[1];

        Assert.Null(skip.SourceAddress);
        Assert.Null(skip.DestinationAddress);
        Assert.Null(skip.SourcePort);
        Assert.Null(skip.DestinationPort);
        Assert.Null(skip.Protocol);
        Assert.Null(skip.Packets);
        Assert.Null(skip.Bytes);
        Assert.Null(skip.Action);
        Assert.NotNull(skip.Start);
        Assert.False(skip.IsTrafficRecord);
    }

    [Fact]
    public async Task Reader_RejectFlow_KeepsSourceAndAction()
    {
        var reject = (await FlowTextRead.FixtureAsync("nodata-skipdata-reject.log")).Records[2];

        Assert.Equal("203.0.113.90", reject.SourceAddress);
        Assert.Equal(3389, reject.DestinationPort);
        Assert.Equal(FlowAction.Reject, reject.Action);
        Assert.True(reject.IsTrafficRecord);
    }

    [Fact]
    public async Task Totals_NoDataSkipData_Excluded()
    {
        var totals = FlowTotals.Sum((await FlowTextRead.FixtureAsync("nodata-skipdata-reject.log")).Records);

        Assert.Equal(180, totals.Bytes);
        Assert.Equal(3, totals.Packets);
        Assert.Equal(1, totals.TrafficRecords);
    }

    [Fact]
    public async Task Reader_CountersAbove2Pow31_KeptExactly()
    {
        var read = await FlowTextRead.FixtureAsync("large-counters.log");

        Assert.Empty(read.Rejections);
        Assert.Equal([3_000_000_000L, 4_294_967_296L, 5_000_000_000L], read.Records.Select(record => record.Bytes!.Value));
        Assert.Equal(4_294_967_295L, read.Records[1].Packets);
    }

    [Fact]
    public async Task Totals_CountersAbove2Pow31_AddUpExactly()
    {
        var totals = FlowTotals.Sum((await FlowTextRead.FixtureAsync("large-counters.log")).Records);

        Assert.Equal(12_294_967_296L, totals.Bytes);
        Assert.Equal(4_301_467_295L, totals.Packets);
    }

    [Fact]
    public async Task Reader_Ipv6Flow_KeepsAddresses()
    {
        var flow = (await FlowTextRead.FixtureAsync("ipv6-egress.log")).Records[0];

        Assert.Equal("IPv6", flow.TrafficType);
        Assert.Equal("2001:db8:10::15", flow.SourceAddress);
        Assert.Equal("2001:db8:99::7", flow.DestinationAddress);
        Assert.Equal("2001:db8:10::15", flow.PacketSourceAddress);
        Assert.Equal("2001:db8:99::7", flow.PacketDestinationAddress);
    }

    [Fact]
    public async Task Reader_EgressFlow_KeepsDirectionAndPath()
    {
        var read = await FlowTextRead.FixtureAsync("ipv6-egress.log");

        Assert.Equal("egress", read.Records[0].FlowDirection);
        Assert.Equal(1, read.Records[0].TrafficPath);
        Assert.Equal("ingress", read.Records[1].FlowDirection);
        Assert.Null(read.Records[1].TrafficPath);
    }

    [Fact]
    public async Task Reader_PacketAddresses_DifferFromInterfaceAddresses()
    {
        var flow = (await FlowTextRead.FixtureAsync("ipv6-egress.log")).Records[1];

        Assert.Equal("10.0.5.50", flow.SourceAddress);
        Assert.Equal("192.0.2.50", flow.PacketSourceAddress);
        Assert.Equal("10.0.5.51", flow.DestinationAddress);
        Assert.Equal("198.51.100.51", flow.PacketDestinationAddress);
    }

    [Fact]
    public async Task Reader_TcpFlags19_DecodedAsSynAckFin()
    {
        var flow = (await FlowTextRead.FixtureAsync("ipv6-egress.log")).Records[0];

        Assert.Equal(19, flow.TcpFlags);
        Assert.Equal(FlowTcpFlags.Syn | FlowTcpFlags.Ack | FlowTcpFlags.Fin, flow.TcpFlagSet);
        Assert.True(flow.TcpFlagSet!.Value.HasFlag(FlowTcpFlags.SynAck));
        Assert.False(flow.TcpFlagSet!.Value.HasFlag(FlowTcpFlags.Rst));
    }

    [Fact]
    public async Task Reader_TcpFlags3_DecodedAsSynFin()
    {
        var flow = (await FlowTextRead.FixtureAsync("ipv6-egress.log")).Records[1];

        Assert.Equal(3, flow.TcpFlags);
        Assert.Equal(FlowTcpFlags.Syn | FlowTcpFlags.Fin, flow.TcpFlagSet);
        Assert.False(flow.TcpFlagSet!.Value.HasFlag(FlowTcpFlags.SynAck));
    }

    [Fact]
    public void TcpFlagSet_UnknownBits_Dropped()
    {
        // 202 is 128 + 64 + 8 + 2: two bits above URG, then PSH and SYN.
        var record = new FlowRecord { IngestTime = FlowTextRead.IngestTime, TcpFlags = 202 };

        Assert.Equal(202, record.TcpFlags);
        Assert.Equal(FlowTcpFlags.Syn | FlowTcpFlags.Psh, record.TcpFlagSet);
    }

    [Fact]
    public async Task Reader_TransitGatewayRecord_MapsGatewayFields()
    {
        var flow = (await FlowTextRead.FixtureAsync("transit-gateway.log")).Records.Single();

        Assert.Equal(6, flow.Version);
        Assert.Equal("TransitGateway", flow.ResourceType);
        Assert.Equal("tgw-0a1b2c3d4e5f60010", flow.TransitGatewayId);
        Assert.Equal("tgw-attach-0a1b2c3d4e5f60011", flow.TransitGatewayAttachmentId);
        Assert.Equal("111122223333", flow.TransitGatewaySourceVpcAccountId);
        Assert.Equal("111122223333", flow.TransitGatewayDestinationVpcAccountId);
        Assert.Equal("vpc-0a1b2c3d4e5f60012", flow.TransitGatewaySourceVpcId);
        Assert.Equal("vpc-0a1b2c3d4e5f60013", flow.TransitGatewayDestinationVpcId);
        Assert.Equal("subnet-0a1b2c3d4e5f60012", flow.TransitGatewaySourceSubnetId);
        Assert.Equal("subnet-0a1b2c3d4e5f60013", flow.TransitGatewayDestinationSubnetId);
        Assert.Equal("eni-0a1b2c3d4e5f60012", flow.TransitGatewaySourceInterfaceId);
        Assert.Equal("eni-0a1b2c3d4e5f60013", flow.TransitGatewayDestinationInterfaceId);
        Assert.Equal("use1-az1", flow.TransitGatewaySourceAvailabilityZoneId);
        Assert.Equal("use1-az2", flow.TransitGatewayDestinationAvailabilityZoneId);
        Assert.Equal("tgw-attach-0a1b2c3d4e5f60014", flow.TransitGatewayPairAttachmentId);
        Assert.Empty(flow.ExtraFields);
    }

    [Fact]
    public async Task Reader_TransitGatewayLostPackets_KeptExactly()
    {
        var flow = (await FlowTextRead.FixtureAsync("transit-gateway.log")).Records.Single();

        Assert.Equal(0, flow.PacketsLostNoRoute);
        Assert.Equal(3, flow.PacketsLostBlackhole);
        Assert.Equal(5_000_000_000L, flow.PacketsLostMtuExceeded);
        Assert.Equal(1, flow.PacketsLostTtlExpired);
        Assert.Equal(FlowTcpFlags.SynAck, flow.TcpFlagSet);
    }

    [Fact]
    public async Task Reader_LaterVersionFields_Mapped()
    {
        var read = await FlowTextRead.TextAsync(
            "version ecs-cluster-name ecs-task-id reject-reason resource-id encryption-status\n" +
            "10 web-cluster 0a1b2c3d4e5f60017 BPA nat-0a1b2c3d4e5f60018 1\n");

        var flow = read.Records.Single();
        Assert.Equal(10, flow.Version);
        Assert.Equal("web-cluster", flow.EcsClusterName);
        Assert.Equal("0a1b2c3d4e5f60017", flow.EcsTaskId);
        Assert.Equal("BPA", flow.RejectReason);
        Assert.Equal("nat-0a1b2c3d4e5f60018", flow.ResourceId);
        Assert.Equal(1, flow.EncryptionStatus);
    }

    [Fact]
    public async Task Reader_RepeatedValues_ShareOneString()
    {
        var read = await FlowTextRead.TextAsync(
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
            "2 123456789012 eni-0a1b2c3d 10.0.0.5 198.51.100.7 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK\n" +
            "2 123456789012 eni-0a1b2c3d 10.0.0.5 198.51.100.8 49153 443 6 12 900 1700000000 1700000060 ACCEPT OK\n");

        Assert.Equal(2, read.Records.Count);
        var (first, second) = (read.Records[0], read.Records[1]);
        Assert.Equal("123456789012", first.AccountId);
        Assert.Same(first.AccountId, second.AccountId);
        Assert.Same(first.InterfaceId, second.InterfaceId);
        Assert.Same(first.Action, second.Action);
        Assert.Equal("198.51.100.7", first.DestinationAddress);
        Assert.Equal("198.51.100.8", second.DestinationAddress);
    }

    [Theory]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.1.2")]
    [InlineData("10..0.1")]
    [InlineData("1000.0.0.1")]
    [InlineData("10.0.0.+1")]
    public async Task Reader_InvalidIpv4_RejectedWithValue(string address)
    {
        var read = await FlowTextRead.TextAsync(
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
            $"2 123456789012 eni-0a1b2c3d {address} 198.51.100.7 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK\n");

        Assert.Empty(read.Records);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal("srcaddr", rejection.Field);
        Assert.Equal($"\"{address}\" is not an IPv4 or IPv6 address", rejection.Reason);
    }

    [Theory]
    [InlineData("9223372036854775807", 9223372036854775807L)]
    [InlineData("000000000000000000000042", 42L)]
    [InlineData("0", 0L)]
    public async Task Reader_CounterDigits_ReadExactly(string bytes, long expected)
    {
        var read = await FlowTextRead.TextAsync($"version bytes\n2 {bytes}\n");

        Assert.Equal(expected, Assert.Single(read.Records).Bytes);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("+5")]
    [InlineData("5x")]
    [InlineData("1.5")]
    public async Task Reader_CounterNotDigits_Rejected(string bytes)
    {
        var read = await FlowTextRead.TextAsync($"version bytes\n2 {bytes}\n");

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal("bytes", rejection.Field);
        Assert.Equal($"\"{bytes}\" is not a counter from 0 to {long.MaxValue}", rejection.Reason);
    }

    [Theory]
    [InlineData("001.002.003.004", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("10.0.0.256", false)]
    [InlineData("10.0.0", false)]
    [InlineData("10.0.0.1.", false)]
    [InlineData("10..0.1", false)]
    [InlineData("1000.0.0.1", false)]
    [InlineData("2001:db8::1", true)]
    public async Task Reader_AddressForms_CheckedAsBefore(string address, bool valid)
    {
        var read = await FlowTextRead.TextAsync($"version srcaddr\n2 {address}\n");

        Assert.Equal(valid ? 1 : 0, read.Records.Count);
        if (valid)
        {
            Assert.Equal(address, read.Records[0].SourceAddress);
        }
    }
}
