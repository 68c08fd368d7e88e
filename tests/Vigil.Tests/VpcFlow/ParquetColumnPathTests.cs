using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Tests.VpcFlow;

/// <summary>
/// The Parquet reader builds the rows of a version 2 row group column by column, and every other row
/// field by field. These tests read the same generated file both ways and compare what came out.
/// </summary>
public sealed class ParquetColumnPathTests
{
    private const int Rows = 6_000;

    [Fact]
    public async Task ColumnPath_GeneratedFile_SameRecords()
    {
        var (columnByColumn, fieldByField) = await ReadBothWaysAsync(GeneratedColumns(seed: 11, int64Ports: false), 2_500, 2_500, 1_000);

        Assert.Equal(fieldByField.Records.Count, columnByColumn.Records.Count);
        for (var index = 0; index < fieldByField.Records.Count; index++)
        {
            Assert.Equal(fieldByField.Records[index], columnByColumn.Records[index]);
        }
    }

    [Fact]
    public async Task ColumnPath_GeneratedFile_SameRejections()
    {
        var (columnByColumn, fieldByField) = await ReadBothWaysAsync(GeneratedColumns(seed: 12, int64Ports: false), 4_000, 2_000);

        Assert.NotEmpty(fieldByField.Rejections);
        Assert.Equal(fieldByField.Rejections, columnByColumn.Rejections);
        Assert.Equal(fieldByField.Summary, columnByColumn.Summary);
        Assert.Equal(fieldByField.Batches, columnByColumn.Batches);
    }

    [Fact]
    public async Task ColumnPath_Int64Ports_SameRecords()
    {
        var (columnByColumn, fieldByField) = await ReadBothWaysAsync(GeneratedColumns(seed: 13, int64Ports: true), Rows);

        Assert.Equal(fieldByField.Records, columnByColumn.Records);
        Assert.Equal(fieldByField.Rejections, columnByColumn.Rejections);
    }

    [Fact]
    public async Task ColumnPath_GeneratedFile_ReadsUnusualValues()
    {
        var (columnByColumn, _) = await ReadBothWaysAsync(GeneratedColumns(seed: 14, int64Ports: false), Rows);

        // The generator's unusual values must reach the records, or the comparisons above test little.
        Assert.Contains(columnByColumn.Records, record => record.SourceAddress?.Contains(':') == true);
        Assert.Contains(columnByColumn.Records, record => record.DestinationAddress?.StartsWith("010.", StringComparison.Ordinal) == true);
        Assert.Contains(columnByColumn.Records, record => record.LogStatus == FlowLogStatus.NoData && record.SourceAddress is null);
        Assert.Contains(columnByColumn.Records, record => record.Packets is null && record.LogStatus == FlowLogStatus.Ok);
        Assert.Contains(columnByColumn.Rejections, rejection => rejection.Field == "dstport");
        Assert.Contains(columnByColumn.Rejections, rejection => rejection.Field == "srcaddr");
        Assert.Contains(columnByColumn.Rejections, rejection => rejection.Field == "bytes");
    }

    [Fact]
    public async Task ColumnPath_ExtraColumn_SameRecords()
    {
        // A column outside the version 2 fields sends the whole row group down the field-by-field path.
        var columns = GeneratedColumns(seed: 15, int64Ports: false).Append(new TextColumn("vpc-id", [.. Enumerable.Range(0, Rows).Select(row => $"vpc-{row % 7}")])).ToList();

        var (columnByColumn, fieldByField) = await ReadBothWaysAsync(columns, Rows);

        Assert.Equal(fieldByField.Records, columnByColumn.Records);
        Assert.Equal("vpc-3", columnByColumn.Records[3].VpcId);
    }

    private static async Task<(FlowParquetRead ColumnByColumn, FlowParquetRead FieldByField)> ReadBothWaysAsync(IReadOnlyList<TestColumn> columns, params int[] rowGroupSizes)
    {
        var file = await ParquetFileWriter.WriteAsync(columns, rowGroupSizes);
        var bytes = file.ToArray();
        var options = new VpcFlowReaderOptions { BatchSize = 700 };
        var columnByColumn = await ReadAsync(new VpcFlowParquetReader(options), bytes);
        var fieldByField = await ReadAsync(new VpcFlowParquetReader(options) { ReadColumnByColumn = false }, bytes);
        return (columnByColumn, fieldByField);
    }

    private static async Task<FlowParquetRead> ReadAsync(VpcFlowParquetReader reader, byte[] bytes)
    {
        var records = new List<FlowRecord>();
        var rejections = new List<RecordRejection>();
        var batches = 0;
        var summary = await reader.ReadAsync(
            new MemoryStream(bytes, writable: false),
            "generated.parquet",
            FlowTextRead.IngestTime,
            batch =>
            {
                batches++;
                records.AddRange(batch);
                return ValueTask.CompletedTask;
            },
            rejections.Add,
            CancellationToken.None);
        return new FlowParquetRead(records, rejections, summary, batches);
    }

    /// <summary>
    /// The 14 version 2 columns with random values: mostly the usual forms, with repeated values, and
    /// now and then nulls, <c>-</c>, NODATA rows, IPv6 addresses, IPv4 addresses with leading zeros,
    /// invalid addresses, ports out of range and negative counters.
    /// </summary>
    private static List<TestColumn> GeneratedColumns(int seed, bool int64Ports)
    {
        var random = new Random(seed);
        var version = new int?[Rows];
        var account = new string?[Rows];
        var interfaceId = new string?[Rows];
        var source = new string?[Rows];
        var destination = new string?[Rows];
        var sourcePort = new int?[Rows];
        var destinationPort = new int?[Rows];
        var protocol = new int?[Rows];
        var packets = new long?[Rows];
        var bytes = new long?[Rows];
        var start = new long?[Rows];
        var end = new long?[Rows];
        var action = new string?[Rows];
        var status = new string?[Rows];

        for (var row = 0; row < Rows; row++)
        {
            version[row] = 2;
            account[row] = random.Next(50) == 0 ? "-" : "111122223333";
            interfaceId[row] = $"eni-{random.Next(40):x17}";
            start[row] = 1_700_000_000 + row;
            end[row] = 1_700_000_060 + row;
            if (random.Next(20) == 0)
            {
                status[row] = "NODATA";
                continue;
            }

            source[row] = Address(random);
            destination[row] = Address(random);
            sourcePort[row] = random.Next(300) == 0 ? 70_000 : random.Next(65_536);
            destinationPort[row] = random.Next(300) == 0 ? 65_536 : random.Next(4) == 0 ? 443 : random.Next(1024);
            protocol[row] = random.Next(3) switch { 0 => 6, 1 => 17, _ => 1 };
            packets[row] = random.Next(100) == 0 ? null : random.NextInt64(1, 5_000_000_000);
            bytes[row] = random.Next(400) == 0 ? -5 : random.NextInt64(0, long.MaxValue);
            action[row] = random.Next(10) == 0 ? "REJECT" : "ACCEPT";
            status[row] = random.Next(200) == 0 ? "SKIPDATA" : "OK";
        }

        TestColumn Port(string name, int?[] values) => int64Ports
            ? new Int64Column(name, [.. values.Select(value => (long?)value)])
            : new Int32Column(name, values);

        return
        [
            new Int32Column("version", version),
            new TextColumn("account-id", account),
            new TextColumn("interface_id", interfaceId),
            new TextColumn("srcaddr", source),
            new TextColumn("dstaddr", destination),
            Port("srcport", sourcePort),
            Port("dstport", destinationPort),
            new Int32Column("protocol", protocol),
            new Int64Column("packets", packets),
            new Int64Column("bytes", bytes),
            new Int64Column("start", start),
            new Int64Column("end", end),
            new TextColumn("action", action),
            new TextColumn("log-status", status),
        ];
    }

    private static string? Address(Random random) => random.Next(100) switch
    {
        0 => null,
        1 => "-",
        2 => $"2001:db8::{random.Next(65_536):x}",
        3 => $"010.0.{random.Next(256)}.{random.Next(256)}",
        4 => $"10.0.0.{256 + random.Next(10)}",
        < 40 => "10.0.0.5",
        _ => $"10.{random.Next(4)}.{random.Next(256)}.{random.Next(256)}",
    };
}
