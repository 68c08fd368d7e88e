using System.Text;
using Vigil.Ingestion.Inspection;
using Vigil.Tests.Route53;
using Vigil.Tests.Support;

namespace Vigil.Tests.Inspection;

/// <summary>Detection from content and key: misleading names, bad first lines, large values and other data.</summary>
public sealed class InspectorDetectionTests
{
    private const string FlowKey = "AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/111122223333_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f6_20240501T1000Z_0a1b2c3d.log";

    [Fact]
    public async Task Inspect_MisleadingExtension_ContentWins()
    {
        var read = await InspectionRead.BytesAsync(Fixture.Bytes("Inspection/route53.log"), "flow.parquet");

        Assert.Equal(LogObjectKind.Route53ResolverQuery, read.Result.Kind);
        Assert.Equal(3, read.Result.RecordsRead);
    }

    [Fact]
    public async Task Inspect_MisleadingFlowKey_ContentWins()
    {
        var read = await InspectionRead.BytesAsync(Fixture.Bytes("Inspection/cloudtrail.json"), FlowKey);

        Assert.Equal(LogObjectKind.CloudTrail, read.Result.Kind);
        Assert.Equal(2, read.Result.RecordsRead);
    }

    [Fact]
    public async Task Inspect_QueryLogBadFirstLine_Detected()
    {
        var lines = Encoding.UTF8.GetString(Fixture.Bytes("Inspection/route53.log"));
        var content = "{\"version\":\"1.100000\",\"account_id\":\"1111\n" + lines;

        var read = await InspectionRead.BytesAsync(Encoding.UTF8.GetBytes(content), "queries.log");

        Assert.Equal(LogObjectKind.Route53ResolverQuery, read.Result.Kind);
        Assert.Equal(3, read.Result.RecordsRead);
        Assert.Equal(1, read.Result.RecordsRejected);
        Assert.Equal(1, Assert.Single(read.Result.Rejections).Line);
    }

    [Fact]
    public async Task Inspect_FlowKeyBadFirstLine_FlowError()
    {
        var read = await InspectionRead.BytesAsync("this is not a flow record\n"u8.ToArray(), FlowKey);

        Assert.Equal(LogObjectKind.VpcFlow, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Text, read.Result.Format);
        Assert.Equal(0, read.Result.RecordsRead);
        Assert.NotNull(read.Result.Error);
        Assert.Contains("the first line is neither a header line", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_CloudTrailKeyBadJson_ReaderError()
    {
        var read = await InspectionRead.BytesAsync(
            "{\"eventVersion\" \"1.08\"}"u8.ToArray(),
            "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1000Z_a.json");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Json, read.Result.Format);
        Assert.NotNull(read.Result.Error);
        Assert.Contains("line 1 (byte", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_JsonArray_IsUnknown()
    {
        var read = await InspectionRead.BytesAsync("[{\"Records\":[]}]"u8.ToArray(), "array.json");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Json, read.Result.Format);
        Assert.Contains("JSON array", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_OtherJsonObject_IsUnknown()
    {
        var read = await InspectionRead.BytesAsync("{\"name\":\"value\",\"items\":[1,2]}\n"u8.ToArray(), "settings.json");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Json, read.Result.Format);
        Assert.Contains("no Records array", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_OtherJsonLines_IsUnknown()
    {
        var read = await InspectionRead.BytesAsync("{\"a\":1}\n{\"a\":2}\n"u8.ToArray(), "events.jsonl");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.JsonLines, read.Result.Format);
        Assert.NotNull(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_RecordsAfterLargeValue_IsCloudTrail()
    {
        var record = Encoding.UTF8.GetString(Fixture.Bytes("Inspection/cloudtrail.json"))["{\n  \"Records\": [".Length..];
        var content = new GeneratedLinesStream(
            "{\"padding\":\""u8.ToArray(),
            (byte)'a',
            200_000,
            Encoding.UTF8.GetBytes("\",\"Records\": [" + record));

        var read = await InspectionRead.StreamAsync(content, "padded.json");

        Assert.Equal(LogObjectKind.CloudTrail, read.Result.Kind);
        Assert.Equal(2, read.Result.RecordsRead);
        Assert.Null(read.Result.Error);
    }

    [Fact]
    public async Task Inspect_LargeObjectWithoutRecords_IsUnknown()
    {
        var content = new GeneratedLinesStream("{\"padding\":\""u8.ToArray(), (byte)'a', 200_000, "\"}"u8.ToArray());

        var read = await InspectionRead.StreamAsync(content, "padded.json");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Json, read.Result.Format);
        Assert.Contains("no Records array", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_BinaryData_IsUnknownFormat()
    {
        var read = await InspectionRead.BytesAsync([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00], "program");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.Equal(LogObjectFormat.Unknown, read.Result.Format);
        Assert.Contains("binary", read.Result.Error);
    }

    [Fact]
    public async Task Inspect_ByteOrderMark_Skipped()
    {
        byte[] content = [.. Encoding.UTF8.Preamble, .. Fixture.Bytes("Inspection/flow-header.log")];

        var read = await InspectionRead.BytesAsync(content, "flow-with-bom.log");

        Assert.Equal(LogObjectKind.VpcFlow, read.Result.Kind);
        Assert.Equal(2, read.Result.RecordsRead);
    }

    [Fact]
    public async Task Inspect_LargeUnknownObject_ReadsOnlyPrefix()
    {
        var content = new GeneratedLinesStream("notes about the bucket\n"u8.ToArray(), (byte)'a', 64L * 1024 * 1024, []);

        var read = await InspectionRead.StreamAsync(content, "notes.txt");

        Assert.Equal(LogObjectKind.Unknown, read.Result.Kind);
        Assert.True(content.Position <= 3 * 64 * 1024, $"read {content.Position} bytes");
    }
}
