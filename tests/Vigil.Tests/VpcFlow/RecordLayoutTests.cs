using System.Text.Json;
using Vigil.Contracts.Events;

namespace Vigil.Tests.VpcFlow;

/// <summary>
/// The compact <see cref="FlowRecord"/> layout: version 2 fields in the record, every other field in
/// a second object that exists only when one of them has a value.
/// </summary>
public sealed class RecordLayoutTests
{
    private const string DefaultFormatLine =
        "2 123456789012 eni-0a1b2c3d 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK";

    private const string ExtendedText =
        "version vpc-id tcp-flags srcaddr dstaddr tgw-id packets-lost-no-route ecs-cluster-name start end action log-status future-field\n"
        + "5 vpc-0abc 18 10.0.1.5 2001:db8::7 tgw-0123 42 web 1700000000 1700000060 ACCEPT OK later\n";

    [Fact]
    public async Task Reader_DefaultFormat_NoExtendedPart()
    {
        var read = await FlowTextRead.TextAsync(DefaultFormatLine + "\n");

        var record = Assert.Single(read.Records);
        Assert.False(record.HasExtendedFields);
        Assert.Equal(2, record.Version);
        Assert.Equal("123456789012", record.AccountId);
        Assert.Equal("eni-0a1b2c3d", record.InterfaceId);
        Assert.Equal("10.0.1.5", record.SourceAddress);
        Assert.Equal("198.51.100.7", record.DestinationAddress);
        Assert.Equal(49152, record.SourcePort);
        Assert.Equal(443, record.DestinationPort);
        Assert.Equal(6, record.Protocol);
        Assert.Equal(10, record.Packets);
        Assert.Equal(8400, record.Bytes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), record.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000060), record.End);
        Assert.Equal(FlowAction.Accept, record.Action);
        Assert.Equal(FlowLogStatus.Ok, record.LogStatus);
        Assert.Null(record.VpcId);
        Assert.Null(record.TransitGatewayId);
        Assert.Empty(record.ExtraFields);
    }

    [Fact]
    public async Task Reader_ExtendedFields_KeptInExtendedPart()
    {
        var read = await FlowTextRead.TextAsync(ExtendedText);

        var record = Assert.Single(read.Records);
        Assert.True(record.HasExtendedFields);
        Assert.Equal(5, record.Version);
        Assert.Equal("vpc-0abc", record.VpcId);
        Assert.Equal(18, record.TcpFlags);
        Assert.Equal(FlowTcpFlags.SynAck, record.TcpFlagSet);
        Assert.Equal("2001:db8::7", record.DestinationAddress);
        Assert.Equal("tgw-0123", record.TransitGatewayId);
        Assert.Equal(42, record.PacketsLostNoRoute);
        Assert.Equal("web", record.EcsClusterName);
        Assert.Equal([new FlowExtraField("future-field", "later")], record.ExtraFields);
        Assert.Null(record.Packets);
        Assert.Null(record.AccountId);
    }

    [Fact]
    public async Task Reader_NodataLine_OnlyStatusAndTimes()
    {
        var read = await FlowTextRead.TextAsync("2 123456789012 eni-0a1b2c3d - - - - - - - 1700000000 1700000060 - NODATA\n");

        var record = Assert.Single(read.Records);
        Assert.False(record.HasExtendedFields);
        Assert.Null(record.SourcePort);
        Assert.Null(record.Packets);
        Assert.Null(record.Bytes);
        Assert.Null(record.Protocol);
        Assert.Equal(FlowLogStatus.NoData, record.LogStatus);
        Assert.False(record.IsTrafficRecord);
    }

    [Fact]
    public async Task Reader_LeadingZeroAddress_KeptAsDelivered()
    {
        var read = await FlowTextRead.TextAsync(DefaultFormatLine.Replace("10.0.1.5", "010.0.1.5", StringComparison.Ordinal) + "\n" + DefaultFormatLine + "\n");

        Assert.Equal(["010.0.1.5", "10.0.1.5"], read.Records.Select(record => record.SourceAddress));
    }

    [Fact]
    public void Record_ZeroCounter_DiffersFromAbsent()
    {
        var absent = new FlowRecord { IngestTime = FlowTextRead.IngestTime };
        var zero = absent with { Packets = 0, SourcePort = 0, Start = DateTimeOffset.UnixEpoch };

        Assert.Null(absent.Packets);
        Assert.Equal(0, zero.Packets);
        Assert.Equal(0, zero.SourcePort);
        Assert.Equal(DateTimeOffset.UnixEpoch, zero.Start);
        Assert.NotEqual(absent, zero);
        Assert.Equal(absent, zero with { Packets = null, SourcePort = null, Start = null });
    }

    [Fact]
    public void With_ExtendedField_LeavesOriginalUnchanged()
    {
        var original = new FlowRecord { IngestTime = FlowTextRead.IngestTime, VpcId = "vpc-1", TransitGatewayId = "tgw-1" };

        var changed = original with { VpcId = "vpc-2" };

        Assert.Equal("vpc-1", original.VpcId);
        Assert.Equal("vpc-2", changed.VpcId);
        Assert.Equal("tgw-1", changed.TransitGatewayId);
        Assert.NotEqual(original, changed);
    }

    [Fact]
    public void With_LastExtendedFieldCleared_DropsExtendedPart()
    {
        var plain = new FlowRecord { IngestTime = FlowTextRead.IngestTime, AccountId = "123456789012" };
        var extended = plain with { EncryptionStatus = 1 };

        var cleared = extended with { EncryptionStatus = null };

        Assert.True(extended.HasExtendedFields);
        Assert.False(cleared.HasExtendedFields);
        Assert.Equal(plain, cleared);
        Assert.Equal(plain.GetHashCode(), cleared.GetHashCode());
    }

    [Fact]
    public void Init_NullExtendedFields_NoExtendedPart()
    {
        var record = new FlowRecord { IngestTime = FlowTextRead.IngestTime, VpcId = null, ExtraFields = [] };

        Assert.False(record.HasExtendedFields);
        Assert.Empty(record.ExtraFields);
    }

    [Fact]
    public async Task Json_RoundTrip_KeepsEveryField()
    {
        var read = await FlowTextRead.TextAsync(ExtendedText);
        var record = Assert.Single(read.Records);

        var json = JsonSerializer.Serialize(record);
        var copy = JsonSerializer.Deserialize<FlowRecord>(json)!;

        // ExtraFields is a list, which record equality compares by reference, so it is compared apart.
        Assert.Equal(record.ExtraFields, copy.ExtraFields);
        Assert.Equal(record with { ExtraFields = [] }, copy with { ExtraFields = [] });
        Assert.Contains("\"TransitGatewayId\":\"tgw-0123\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Packets\":null", json, StringComparison.Ordinal);
    }
}
