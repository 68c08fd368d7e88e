using Vigil.Contracts.Events;
using Vigil.Ingestion.Objects;
using Vigil.Tests.Support;

namespace Vigil.Tests.VpcFlow;

/// <summary>Parquet flow logs written by the tests with Parquet.Net, with INT32 and INT64 numeric columns.</summary>
public sealed class ParquetReaderTests
{
    [Fact]
    public async Task Parquet_Int32Ports_ReadsThreeRows()
    {
        var read = await FlowParquetRead.StreamAsync(await ThreeRowsAsync(portsAsInt64: false));

        Assert.Equal(3, read.Records.Count);
        Assert.Empty(read.Rejections);
        Assert.Equal(3, read.Summary.RecordsRead);
        Assert.Equal(0, read.Summary.RecordsRejected);
        Assert.Equal(1, read.Summary.RowGroups);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Parquet_Int32Ports_MapsFirstRow()
    {
        var flow = (await FlowParquetRead.StreamAsync(await ThreeRowsAsync(portsAsInt64: false))).Records[0];

        Assert.Equal(2, flow.Version);
        Assert.Equal("111122223333", flow.AccountId);
        Assert.Equal("eni-0a1b2c3d4e5f60020", flow.InterfaceId);
        Assert.Equal("198.51.100.20", flow.SourceAddress);
        Assert.Equal("10.0.20.20", flow.DestinationAddress);
        Assert.Equal(40020, flow.SourcePort);
        Assert.Equal(443, flow.DestinationPort);
        Assert.Equal(6, flow.Protocol);
        Assert.Equal(10, flow.Packets);
        Assert.Equal(1500, flow.Bytes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), flow.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_060), flow.End);
        Assert.Equal(FlowAction.Accept, flow.Action);
        Assert.Equal(FlowLogStatus.Ok, flow.LogStatus);
        Assert.Equal(FlowTextRead.IngestTime, flow.IngestTime);
    }

    [Fact]
    public async Task Parquet_Int64Bytes_KeptExactly()
    {
        var flow = (await FlowParquetRead.StreamAsync(await ThreeRowsAsync(portsAsInt64: false))).Records[1];

        Assert.Equal(3_000_000_000L, flow.Bytes);
        Assert.Equal(2_100_000L, flow.Packets);
    }

    [Fact]
    public async Task Parquet_NoDataRow_NullAddressesPortsCounters()
    {
        var noData = (await FlowParquetRead.StreamAsync(await ThreeRowsAsync(portsAsInt64: false))).Records[2];

        Assert.Equal(FlowLogStatus.NoData, noData.LogStatus);
        Assert.Null(noData.SourceAddress);
        Assert.Null(noData.DestinationAddress);
        Assert.Null(noData.SourcePort);
        Assert.Null(noData.DestinationPort);
        Assert.Null(noData.Protocol);
        Assert.Null(noData.Packets);
        Assert.Null(noData.Bytes);
        Assert.Null(noData.Action);
        Assert.Equal("eni-0a1b2c3d4e5f60020", noData.InterfaceId);
        Assert.False(noData.IsTrafficRecord);
    }

    [Fact]
    public async Task Parquet_Int64Ports_SameValues()
    {
        var narrow = await FlowParquetRead.StreamAsync(await ThreeRowsAsync(portsAsInt64: false));
        var wide = await FlowParquetRead.StreamAsync(await ThreeRowsAsync(portsAsInt64: true));

        Assert.Empty(wide.Rejections);
        Assert.Equal(narrow.Records.Select(record => record.SourcePort), wide.Records.Select(record => record.SourcePort));
        Assert.Equal(narrow.Records.Select(record => record.DestinationPort), wide.Records.Select(record => record.DestinationPort));
        Assert.Equal(narrow.Records.Select(record => record.Protocol), wide.Records.Select(record => record.Protocol));
        Assert.Equal(narrow.Records.Select(record => record.Version), wide.Records.Select(record => record.Version));
        Assert.Equal([40020, 40021, null], wide.Records.Select(record => record.SourcePort));
    }

    [Fact]
    public async Task Parquet_Int32Counters_Widened()
    {
        var file = await ParquetFileWriter.WriteAsync([new Int32Column("bytes", 1500, null), new Int32Column("packets", 3, 4)], 2);

        var read = await FlowParquetRead.StreamAsync(file);

        Assert.Equal([1500L, null], read.Records.Select(record => record.Bytes));
        Assert.Equal([3L, 4L], read.Records.Select(record => record.Packets));
    }

    [Fact]
    public async Task Parquet_TotalsExcludeNoData()
    {
        var read = await FlowParquetRead.StreamAsync(await ThreeRowsAsync(portsAsInt64: false));

        var totals = FlowTotals.Sum(read.Records);

        Assert.Equal(3_000_001_500L, totals.Bytes);
        Assert.Equal(2_100_010L, totals.Packets);
        Assert.Equal(2, totals.TrafficRecords);
    }

    [Fact]
    public async Task Parquet_UnderscoreNames_Mapped()
    {
        var file = await ParquetFileWriter.WriteAsync(
            [new TextColumn("account_id", "111122223333"), new TextColumn("log_status", "OK"), new Int32Column("tcp_flags", 18)],
            1);

        var flow = Assert.Single((await FlowParquetRead.StreamAsync(file)).Records);

        Assert.Equal("111122223333", flow.AccountId);
        Assert.Equal(FlowLogStatus.Ok, flow.LogStatus);
        Assert.Equal(FlowTcpFlags.SynAck, flow.TcpFlagSet);
        Assert.Empty(flow.ExtraFields);
    }

    [Fact]
    public async Task Parquet_TextNumbers_Parsed()
    {
        var file = await ParquetFileWriter.WriteAsync([new TextColumn("bytes", "3000000000", "-"), new TextColumn("dstport", "443", null)], 2);

        var read = await FlowParquetRead.StreamAsync(file);

        Assert.Equal([3_000_000_000L, null], read.Records.Select(record => record.Bytes));
        Assert.Equal([443, null], read.Records.Select(record => record.DestinationPort));
    }

    [Fact]
    public async Task Parquet_UnknownColumns_KeptAsExtraFields()
    {
        var file = await ParquetFileWriter.WriteAsync([new TextColumn("next-hop-vpc-id", "vpc-0a1b2c3d4e5f60021"), new Int64Column("future-counter", 7)], 1);

        var flow = Assert.Single((await FlowParquetRead.StreamAsync(file)).Records);

        Assert.Equal(
            [new FlowExtraField("next-hop-vpc-id", "vpc-0a1b2c3d4e5f60021"), new FlowExtraField("future-counter", "7")],
            flow.ExtraFields);
    }

    [Fact]
    public async Task Parquet_PortOutOfRange_RowRejected()
    {
        var file = await ParquetFileWriter.WriteAsync(
            [new TextColumn("srcaddr", "192.0.2.1", "192.0.2.2", "192.0.2.3"), new Int32Column("dstport", 443, 70000, 22)],
            3);

        var read = await FlowParquetRead.StreamAsync(file, "ports.parquet");

        Assert.Equal(["192.0.2.1", "192.0.2.3"], read.Records.Select(record => record.SourceAddress));
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal("ports.parquet", rejection.ObjectName);
        Assert.Equal("dstport", rejection.Field);
        Assert.Equal(1, rejection.RecordIndex);
        Assert.Equal(2, rejection.Line);
        Assert.Equal("70000 is not a port number from 0 to 65535", rejection.Reason);
        Assert.Equal(1, read.Summary.RecordsRejected);
    }

    [Fact]
    public async Task Parquet_IntegerAddress_RowRejected()
    {
        var file = await ParquetFileWriter.WriteAsync([new Int64Column("srcaddr", 167772161)], 1);

        var read = await FlowParquetRead.StreamAsync(file);

        Assert.Empty(read.Records);
        Assert.Equal("srcaddr", Assert.Single(read.Rejections).Field);
    }

    [Fact]
    public async Task Parquet_TwoRowGroups_ReadInOrder()
    {
        var file = await ParquetFileWriter.WriteAsync(
            [new TextColumn("srcaddr", "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"), new Int64Column("bytes", 1, 2, 3, 4, 5)],
            2,
            3);

        var read = await FlowParquetRead.StreamAsync(file, options: new() { BatchSize = 2 });

        Assert.Equal(2, read.Summary.RowGroups);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], read.Records.Select(record => record.Bytes!.Value));
        Assert.Equal(3, read.Batches);
    }

    [Fact]
    public async Task Parquet_NullsInLaterRowGroup_NotFilledFromEarlierOne()
    {
        // The reader reuses pooled column arrays from one row group to the next.
        var file = await ParquetFileWriter.WriteAsync(
            [new TextColumn("srcaddr", "192.0.2.1", "192.0.2.2", null, null), new Int32Column("srcport", 1000, 1001, null, null), new Int64Column("bytes", 10, 20, null, null)],
            2,
            2);

        var read = await FlowParquetRead.StreamAsync(file);

        Assert.Equal(4, read.Records.Count);
        Assert.All(read.Records.Skip(2), record =>
        {
            Assert.Null(record.SourceAddress);
            Assert.Null(record.SourcePort);
            Assert.Null(record.Bytes);
        });
    }

    [Fact]
    public async Task Parquet_TextPlaceholderAndBadAddress_SameRulesAsText()
    {
        var file = await ParquetFileWriter.WriteAsync([new TextColumn("srcaddr", "-", "001.002.003.004", "10.0.0.256", "2001:db8::1")], 4);

        var read = await FlowParquetRead.StreamAsync(file);

        Assert.Equal([null, "001.002.003.004", "2001:db8::1"], read.Records.Select(record => record.SourceAddress));
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal("srcaddr", rejection.Field);
        Assert.Equal("\"10.0.0.256\" is not an IPv4 or IPv6 address", rejection.Reason);
    }

    [Fact]
    public async Task Parquet_RowGroupOverLimit_RejectedWhole()
    {
        var file = await ParquetFileWriter.WriteAsync([new Int64Column("bytes", 1, 2, 3, 4, 5)], 2, 3);

        var read = await FlowParquetRead.StreamAsync(file, options: new() { MaxRowGroupRows = 2 });

        Assert.Equal([1L, 2L], read.Records.Select(record => record.Bytes!.Value));
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(2, rejection.RecordIndex);
        Assert.Contains("row group 1 has 3 rows", rejection.Reason);
        Assert.Equal(3, read.Summary.RecordsRejected);
    }

    [Fact]
    public async Task Parquet_NonSeekableStream_Read()
    {
        var file = (await ThreeRowsAsync(portsAsInt64: false)).ToArray();

        var read = await FlowParquetRead.StreamAsync(new OneBytePerReadStream(file));

        Assert.Equal(3, read.Records.Count);
        Assert.Equal(3_000_000_000L, read.Records[1].Bytes);
    }

    [Fact]
    public async Task Parquet_NonSeekableOverLimit_ThrowsSizeExceeded()
    {
        var file = (await ThreeRowsAsync(portsAsInt64: false)).ToArray();

        await Assert.ThrowsAsync<DecompressedSizeExceededException>(
            () => FlowParquetRead.StreamAsync(new OneBytePerReadStream(file), options: new() { MaxParquetBytes = 100 }));
    }

    [Fact]
    public async Task Parquet_NotParquet_ReportsError()
    {
        var read = await FlowParquetRead.StreamAsync(new MemoryStream("version srcaddr\n2 192.0.2.1\n"u8.ToArray()), "text.log");

        Assert.Empty(read.Records);
        Assert.NotNull(read.Summary.Error);
        Assert.StartsWith("text.log: the object is not a readable Parquet file", read.Summary.Error);
    }

    /// <summary>
    /// Three rows in the AWS default fields: version, ports and protocol as INT32 (or the ports as
    /// INT64), counters and times as INT64. Row 2 has 3,000,000,000 bytes and row 3 is NODATA.
    /// </summary>
    private static Task<MemoryStream> ThreeRowsAsync(bool portsAsInt64)
    {
        TestColumn Port(string name, params int?[] values) => portsAsInt64
            ? new Int64Column(name, [.. values.Select(value => (long?)value)])
            : new Int32Column(name, values);

        return ParquetFileWriter.WriteAsync(
            [
                new Int32Column("version", 2, 2, 2),
                new TextColumn("account-id", "111122223333", "111122223333", "111122223333"),
                new TextColumn("interface-id", "eni-0a1b2c3d4e5f60020", "eni-0a1b2c3d4e5f60020", "eni-0a1b2c3d4e5f60020"),
                new TextColumn("srcaddr", "198.51.100.20", "10.0.20.20", null),
                new TextColumn("dstaddr", "10.0.20.20", "198.51.100.21", null),
                Port("srcport", 40020, 40021, null),
                Port("dstport", 443, 443, null),
                new Int32Column("protocol", 6, 6, null),
                new Int64Column("packets", 10, 2_100_000, null),
                new Int64Column("bytes", 1500, 3_000_000_000, null),
                new Int64Column("start", 1_700_000_000, 1_700_000_000, 1_700_000_000),
                new Int64Column("end", 1_700_000_060, 1_700_000_060, 1_700_000_060),
                new TextColumn("action", "ACCEPT", "ACCEPT", null),
                new TextColumn("log-status", "OK", "OK", "NODATA"),
            ],
            3);
    }
}
