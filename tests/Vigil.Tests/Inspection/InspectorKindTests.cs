using Vigil.Ingestion.Inspection;
using Vigil.Tests.Support;

namespace Vigil.Tests.Inspection;

/// <summary>One object of each kind the inspector detects, and what it reports for it.</summary>
public sealed class InspectorKindTests
{
    [Fact]
    public async Task Inspect_CloudTrailLog_ReadsRecords()
    {
        var read = await InspectionRead.FixtureAsync("cloudtrail.json");

        Assert.Equal(LogObjectKind.CloudTrail, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Json, read.Result.Format);
        Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
        Assert.Equal(2, read.Result.RecordsRead);
        Assert.Equal(0, read.Result.RecordsRejected);
        Assert.Equal(0, read.Result.InsightRecords);
        Assert.Null(read.Result.Error);
        Assert.True(read.Result.IsClean);
    }

    [Fact]
    public async Task Inspect_CloudTrailLog_StreamsEvents()
    {
        var read = await InspectionRead.FixtureAsync("cloudtrail.json");

        var batch = Assert.IsType<CloudTrailEventBatch>(Assert.Single(read.Batches));
        Assert.Equal(["DescribeInstances", "ListUsers"], batch.Events.Select(cloudTrailEvent => cloudTrailEvent.EventName));
        Assert.Equal(InspectionRead.IngestTime, batch.Events[0].IngestTime);
    }

    [Fact]
    public async Task Inspect_Digest_IsDigestWithoutRecords()
    {
        var read = await InspectionRead.FixtureAsync("cloudtrail-digest.json");

        Assert.Equal(LogObjectKind.CloudTrailDigest, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Json, read.Result.Format);
        Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
        Assert.Equal(0, read.Result.RecordsRead);
        Assert.Equal(0, read.Result.RecordsRejected);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_InsightsFile_CountsInsights()
    {
        var read = await InspectionRead.FixtureAsync("cloudtrail-insights.json");

        Assert.Equal(LogObjectKind.CloudTrailInsights, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Json, read.Result.Format);
        Assert.Equal(2, read.Result.RecordsRead);
        Assert.Equal(2, read.Result.InsightRecords);
        Assert.Equal(0, read.Result.RecordsRejected);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_InsightAndApiCall_IsCloudTrail()
    {
        var read = await InspectionRead.FileAsync(Fixture.PathOf("CloudTrail/insight-then-api-call.json"), "insight-then-api-call.json");

        Assert.Equal(LogObjectKind.CloudTrail, read.Result.Kind);
        Assert.Equal(2, read.Result.RecordsRead);
        Assert.Equal(1, read.Result.InsightRecords);
    }

    [Fact]
    public async Task Inspect_EmptyInsightFolderFile_IsInsights()
    {
        var read = await InspectionRead.BytesAsync(
            """{"Records":[]}"""u8.ToArray(),
            "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/03/05/111122223333_CloudTrail-Insight_us-east-1_20240305T1000Z_a.json");

        Assert.Equal(LogObjectKind.CloudTrailInsights, read.Result.Kind);
        Assert.Equal(0, read.Result.RecordsRead);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_FlowWithHeader_ReadsAndRejects()
    {
        var read = await InspectionRead.FixtureAsync("flow-header.log");

        Assert.Equal(LogObjectKind.VpcFlow, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Text, read.Result.Format);
        Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
        Assert.Equal(2, read.Result.RecordsRead);
        Assert.Equal(1, read.Result.RecordsRejected);
        Assert.Null(read.Result.Error);
        Assert.False(read.Result.IsClean);
    }

    [Fact]
    public async Task Inspect_FlowWithHeader_ListsRejection()
    {
        var read = await InspectionRead.FixtureAsync("flow-header.log");

        var rejection = Assert.Single(read.Result.Rejections);
        Assert.Equal(4, rejection.Line);
        Assert.Equal("dstport", rejection.Field);
        Assert.Contains("70000", rejection.Reason);
        Assert.Equal("flow-header.log", rejection.ObjectName);
    }

    [Fact]
    public async Task Inspect_FlowDefaultLayout_ReadsRecords()
    {
        var read = await InspectionRead.FixtureAsync("flow-default.log");

        Assert.Equal(LogObjectKind.VpcFlow, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Text, read.Result.Format);
        Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
        Assert.Equal(2, read.Result.RecordsRead);
        Assert.Equal(0, read.Result.RecordsRejected);
        Assert.Null(read.Result.Error);
        Assert.IsType<FlowRecordBatch>(Assert.Single(read.Batches));
    }

    [Fact]
    public async Task Inspect_ParquetFile_ReadsRows()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-inspect-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, await InspectionRead.FlowParquetAsync());
        try
        {
            var read = await InspectionRead.FileAsync(path, "flow.parquet");

            Assert.Equal(LogObjectKind.VpcFlow, read.Result.Kind);
            Assert.Equal(LogObjectFormat.Parquet, read.Result.Format);
            Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
            Assert.Equal(3, read.Result.RecordsRead);
            Assert.Equal(0, read.Result.RecordsRejected);
            Assert.Null(read.Result.Error);
            Assert.Equal(3, read.RecordsDelivered);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Inspect_GzipParquet_ReadsRows()
    {
        var read = await InspectionRead.BytesAsync(InspectionRead.Gzip(await InspectionRead.FlowParquetAsync()), "flow.parquet.gz");

        Assert.Equal(LogObjectKind.VpcFlow, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Parquet, read.Result.Format);
        Assert.Equal(LogObjectCompression.Gzip, read.Result.Compression);
        Assert.Equal(3, read.Result.RecordsRead);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_QueryLog_ReadsRecords()
    {
        var read = await InspectionRead.FixtureAsync("route53.log");

        Assert.Equal(LogObjectKind.Route53ResolverQuery, read.Result.Kind);
        Assert.Equal(LogObjectFormat.JsonLines, read.Result.Format);
        Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
        Assert.Equal(3, read.Result.RecordsRead);
        Assert.Equal(0, read.Result.RecordsRejected);
        Assert.Null(read.Result.Error);
        Assert.IsType<DnsQueryRecordBatch>(Assert.Single(read.Batches));
    }

    [Fact]
    public async Task Inspect_GzipQueryLog_ReadsRecords()
    {
        var read = await InspectionRead.BytesAsync(InspectionRead.Gzip(Fixture.Bytes("Inspection/route53.log")), "route53.log.gz");

        Assert.Equal(LogObjectKind.Route53ResolverQuery, read.Result.Kind);
        Assert.Equal(LogObjectFormat.JsonLines, read.Result.Format);
        Assert.Equal(LogObjectCompression.Gzip, read.Result.Compression);
        Assert.Equal(3, read.Result.RecordsRead);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_UnknownText_FailsWithReason()
    {
        var read = await InspectionRead.FixtureAsync("notes.txt");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Text, read.Result.Format);
        Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
        Assert.Equal(0, read.Result.RecordsRead);
        Assert.Equal(0, read.Result.RecordsRejected);
        Assert.True(read.Result.Failed);
        Assert.StartsWith("notes.txt: the content matches no supported log kind", read.Result.Error);
        Assert.Empty(read.Batches);
    }

    [Fact]
    public async Task Inspect_EmptyFile_FailsAsEmpty()
    {
        var read = await InspectionRead.FixtureAsync("empty.log");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Unknown, read.Result.Format);
        Assert.Equal(LogObjectCompression.Plain, read.Result.Compression);
        Assert.Equal(0, read.Result.RecordsRead);
        Assert.Equal("empty.log: the object is empty", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_EmptyGzip_FailsAsEmpty()
    {
        // What gzip -n writes for empty input: the header, an empty final block, CRC-32 and size 0.
        // GZipStream writes nothing at all when nothing was written to it.
        byte[] emptyGzip = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

        var read = await InspectionRead.BytesAsync(emptyGzip, "empty.log.gz");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectCompression.Gzip, read.Result.Compression);
        Assert.Equal("empty.log.gz: the object is empty", read.Result.Error);
    }
}
