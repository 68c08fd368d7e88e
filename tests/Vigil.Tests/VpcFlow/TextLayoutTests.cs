using Vigil.Contracts.Events;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Tests.VpcFlow;

/// <summary>Header lines, custom field orders and files without a header.</summary>
public sealed class TextLayoutTests
{
    [Fact]
    public async Task Reader_CustomOrder_MapsByHeaderName()
    {
        var read = await FlowTextRead.FixtureAsync("custom-29-fields.log");

        Assert.Equal(3, read.Records.Count);
        Assert.Empty(read.Rejections);
        Assert.Equal(3, read.Summary.RecordsRead);
        Assert.Equal(0, read.Summary.RecordsRejected);
        Assert.Equal(1, read.Summary.HeaderLines);
        Assert.False(read.Summary.UsedDefaultFormat);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_SkipData_KeepsInstanceIdText()
    {
        var skip = (await FlowTextRead.FixtureAsync("custom-29-fields.log")).Records[0];

        Assert.Equal(FlowLogStatus.SkipData, skip.LogStatus);
        Assert.Equal("i-0a1b2c3d4e5f60001", skip.InstanceId);
        Assert.Equal("eni-0a1b2c3d4e5f60001", skip.InterfaceId);
        Assert.Equal("111122223333", skip.AccountId);
        Assert.Equal(5, skip.Version);
        Assert.Null(skip.SourceAddress);
        Assert.Null(skip.DestinationAddress);
        Assert.Null(skip.SourcePort);
        Assert.Null(skip.DestinationPort);
        Assert.Null(skip.Protocol);
        Assert.Null(skip.Packets);
        Assert.Null(skip.Bytes);
        Assert.Null(skip.TcpFlags);
        Assert.Null(skip.TrafficPath);
        Assert.Null(skip.Action);
        Assert.Equal("us-east-1", skip.Region);
        Assert.Equal("use1-az1", skip.AvailabilityZoneId);
    }

    [Fact]
    public async Task Reader_CustomOrderOkRecord_MapsEveryValue()
    {
        var flow = (await FlowTextRead.FixtureAsync("custom-29-fields.log")).Records[1];

        Assert.Equal(FlowLogStatus.Ok, flow.LogStatus);
        Assert.Equal("203.0.113.77", flow.SourceAddress);
        Assert.Equal(50123, flow.SourcePort);
        Assert.Equal("10.0.1.15", flow.DestinationAddress);
        Assert.Equal(443, flow.DestinationPort);
        Assert.Equal(6, flow.Protocol);
        Assert.Equal(4800, flow.Bytes);
        Assert.Equal(8, flow.Packets);
        Assert.Equal(2, flow.TcpFlags);
        Assert.Equal(FlowTcpFlags.Syn, flow.TcpFlagSet);
        Assert.Equal(FlowAction.Accept, flow.Action);
        Assert.Equal("IPv4", flow.TrafficType);
        Assert.Equal("203.0.113.77", flow.PacketSourceAddress);
        Assert.Equal("10.0.1.15", flow.PacketDestinationAddress);
        Assert.Equal("ingress", flow.FlowDirection);
        Assert.Equal("vpc-0a1b2c3d4e5f60001", flow.VpcId);
        Assert.Equal("subnet-0a1b2c3d4e5f60001", flow.SubnetId);
        Assert.Null(flow.SublocationType);
        Assert.Null(flow.PacketSourceAwsService);
        Assert.Empty(flow.ExtraFields);
    }

    [Fact]
    public async Task Reader_CustomOrderNoData_NullCounters()
    {
        var noData = (await FlowTextRead.FixtureAsync("custom-29-fields.log")).Records[2];

        Assert.Equal(FlowLogStatus.NoData, noData.LogStatus);
        Assert.Null(noData.SourceAddress);
        Assert.Null(noData.SourcePort);
        Assert.Null(noData.Bytes);
        Assert.Null(noData.Packets);
        Assert.False(noData.IsTrafficRecord);
    }

    [Fact]
    public async Task Reader_UnixSeconds_ReadAsUtc()
    {
        var flow = (await FlowTextRead.FixtureAsync("custom-29-fields.log")).Records[1];

        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), flow.Start);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 14, 20, TimeSpan.Zero), flow.End);
        Assert.Equal(TimeSpan.Zero, flow.Start!.Value.Offset);
        Assert.Equal(FlowTextRead.IngestTime, flow.IngestTime);
    }

    [Fact]
    public async Task Reader_HeaderLine_NotARecord()
    {
        var read = await FlowTextRead.FixtureAsync("header-two-records.log");

        Assert.Equal(2, read.Records.Count);
        Assert.DoesNotContain(read.Records, record => record.AccountId == "account-id");
        Assert.DoesNotContain(read.Records, record => record.InterfaceId == "interface-id");
        Assert.DoesNotContain(read.Records, record => record.Action == "action");
        Assert.Empty(read.Rejections);
        Assert.Equal(0, read.Summary.RecordsRejected);
        Assert.Equal(1, read.Summary.HeaderLines);
    }

    [Fact]
    public async Task Reader_HeaderLine_RecordsKeepOrder()
    {
        var read = await FlowTextRead.FixtureAsync("header-two-records.log");

        Assert.Equal(["198.51.100.10", "10.0.2.20"], read.Records.Select(record => record.SourceAddress));
        Assert.Equal([2400L, 3100L], read.Records.Select(record => record.Bytes!.Value));
    }

    [Fact]
    public async Task Reader_RepeatedHeader_SkippedNotRejected()
    {
        var read = await FlowTextRead.FixtureAsync("repeated-header.log");

        Assert.Equal(["192.0.2.71", "192.0.2.72"], read.Records.Select(record => record.SourceAddress));
        Assert.Empty(read.Rejections);
        Assert.Equal(2, read.Summary.HeaderLines);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_OtherHeaderLater_SwitchesLayout()
    {
        var read = await FlowTextRead.TextAsync(
            "version srcaddr dstaddr bytes\n" +
            "2 192.0.2.1 10.0.0.1 100\n" +
            "bytes dstaddr srcaddr version\n" +
            "200 10.0.0.2 192.0.2.2 2\n");

        Assert.Equal([100L, 200L], read.Records.Select(record => record.Bytes!.Value));
        Assert.Equal(["192.0.2.1", "192.0.2.2"], read.Records.Select(record => record.SourceAddress));
        Assert.Equal(2, read.Summary.HeaderLines);
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Reader_NoHeaderDefaultRecord_UsesVersion2Layout()
    {
        var read = await FlowTextRead.FixtureAsync("headerless-default.log");

        Assert.True(read.Summary.UsedDefaultFormat);
        Assert.Equal(0, read.Summary.HeaderLines);
        Assert.Equal(2, read.Records.Count);
        Assert.Equal(FlowLogStatus.NoData, read.Records[0].LogStatus);
        Assert.Equal("192.0.2.81", read.Records[1].SourceAddress);
        Assert.Equal(22, read.Records[1].DestinationPort);
        Assert.Equal(FlowAction.Reject, read.Records[1].Action);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_NoHeaderCustomRecord_StopsWithError()
    {
        var read = await FlowTextRead.FixtureAsync("headerless-custom.log");

        Assert.Empty(read.Records);
        Assert.NotNull(read.Summary.Error);
        Assert.Contains("line 1", read.Summary.Error);
        Assert.Contains("neither a header line", read.Summary.Error);
        Assert.False(read.Summary.UsedDefaultFormat);
    }

    [Fact]
    public async Task Reader_NoHeaderBadDefaultRecord_NamesField()
    {
        var read = await FlowTextRead.TextAsync("2 111122223333 eni-0a1b2c3d4e5f60001 192.0.2.1 10.0.0.1 99999 443 6 1 40 1700000000 1700000060 ACCEPT OK\n");

        Assert.Empty(read.Records);
        Assert.NotNull(read.Summary.Error);
        Assert.Contains("srcport", read.Summary.Error);
    }

    [Fact]
    public async Task Reader_DuplicateHeaderName_StopsWithError()
    {
        var read = await FlowTextRead.TextAsync("version bytes bytes\n2 10 20\n");

        Assert.Empty(read.Records);
        Assert.NotNull(read.Summary.Error);
        Assert.Contains("\"bytes\" more than once", read.Summary.Error);
    }

    [Fact]
    public async Task Reader_EmptyObject_ReportsError()
    {
        var read = await FlowTextRead.TextAsync("");

        Assert.Empty(read.Records);
        Assert.NotNull(read.Summary.Error);
        Assert.EndsWith("the object is empty", read.Summary.Error);
    }

    [Fact]
    public async Task Reader_HeaderOnly_ReadsNothingWithoutError()
    {
        var read = await FlowTextRead.TextAsync("version account-id interface-id\n");

        Assert.Empty(read.Records);
        Assert.Equal(1, read.Summary.HeaderLines);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_CrLfAndBlankLines_ReadsRecords()
    {
        var read = await FlowTextRead.TextAsync("\uFEFFversion srcaddr bytes\r\n\r\n2 192.0.2.1 100\r\n2 192.0.2.2 200");

        Assert.Equal([100L, 200L], read.Records.Select(record => record.Bytes!.Value));
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Reader_UnknownColumns_KeptAsExtraFields()
    {
        var record = (await FlowTextRead.FixtureAsync("extra-columns.log")).Records.Single();

        Assert.Equal(
            [new FlowExtraField("next-hop-vpc-id", "vpc-0a1b2c3d4e5f60016"), new FlowExtraField("instance-tag", null)],
            record.ExtraFields);
        Assert.Equal(120, record.Bytes);
    }

    [Fact]
    public async Task Reader_ManyRecords_DeliveredInBatches()
    {
        var lines = Enumerable.Range(0, 25).Select(i => $"2 192.0.2.{i} {i}");
        var read = await FlowTextRead.TextAsync("version srcaddr bytes\n" + string.Join('\n', lines), new() { BatchSize = 10 });

        Assert.Equal(25, read.Records.Count);
        Assert.Equal(3, read.Batches);
        Assert.Equal(24, read.Records[^1].Bytes);
    }

    [Fact]
    public void Readers_OutOfRangeOptions_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VpcFlowTextReader(new() { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VpcFlowTextReader(new() { MaxLineBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VpcFlowTextReader(new() { MaxLineBytes = VpcFlowReaderOptions.MaxLineBytesLimit + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VpcFlowParquetReader(new() { MaxParquetBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VpcFlowParquetReader(new() { MaxRowGroupRows = VpcFlowReaderOptions.MaxRowGroupRowsLimit + 1 }));
    }
}
