using System.Buffers;
using System.Text;
using System.Text.Json;
using Vigil.Ingestion.Inspection;

namespace Vigil.Tests.Inspection;

/// <summary>The JSON that <c>vigil parse</c> prints with <c>--json</c> and <c>--records</c>, parsed back.</summary>
public sealed class InspectionJsonTests
{
    [Fact]
    public async Task Results_FlowWithRejection_RoundTrips()
    {
        var read = await InspectionRead.FixtureAsync("flow-header.log");

        using var document = JsonDocument.Parse(WriteResults(read.Result));
        var entry = Assert.Single(document.RootElement.GetProperty("objects").EnumerateArray().ToList());

        Assert.Equal("flow-header.log", entry.GetProperty("path").GetString());
        Assert.Equal("vpc-flow", entry.GetProperty("kind").GetString());
        Assert.Equal("text", entry.GetProperty("format").GetString());
        Assert.Equal("plain", entry.GetProperty("compression").GetString());
        Assert.Equal(2, entry.GetProperty("recordsRead").GetInt64());
        Assert.Equal(1, entry.GetProperty("recordsRejected").GetInt64());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("error").ValueKind);
        var rejection = Assert.Single(entry.GetProperty("rejections").EnumerateArray().ToList());
        Assert.Equal(4, rejection.GetProperty("line").GetInt64());
        Assert.Equal("dstport", rejection.GetProperty("field").GetString());
        Assert.Contains("70000", rejection.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Results_Total_AddsUp()
    {
        var flow = await InspectionRead.FixtureAsync("flow-header.log");
        var empty = await InspectionRead.FixtureAsync("empty.log");

        using var document = JsonDocument.Parse(WriteResults(flow.Result, empty.Result));
        var total = document.RootElement.GetProperty("total");

        Assert.Equal(2, total.GetProperty("objects").GetInt64());
        Assert.Equal(2, total.GetProperty("recordsRead").GetInt64());
        Assert.Equal(1, total.GetProperty("recordsRejected").GetInt64());
        Assert.Equal(1, total.GetProperty("objectsFailed").GetInt64());
    }

    [Fact]
    public async Task RecordLines_QueryLog_OneLinePerRecord()
    {
        var read = await InspectionRead.FixtureAsync("route53.log");
        var output = new ArrayBufferWriter<byte>();

        LogObjectInspectionJson.WriteRecordLines(output, "route53.log", Assert.Single(read.Batches));
        var lines = Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("route53.log", first.RootElement.GetProperty("path").GetString());
        Assert.Equal("dns-query-record", first.RootElement.GetProperty("recordType").GetString());
        Assert.Equal("www.example.com.", first.RootElement.GetProperty("record").GetProperty("queryName").GetString());
    }

    [Fact]
    public async Task RecordLines_ControlCharacters_Escaped()
    {
        var content = Encoding.UTF8.GetBytes(
            "version srcaddr dstaddr action log-status account-id\n" +
            "2 192.0.2.1 10.0.0.1 ACCEPT OK \u001b[31m\u202eevil\n");
        var read = await InspectionRead.BytesAsync(content, "hostile.log");
        var output = new ArrayBufferWriter<byte>();

        LogObjectInspectionJson.WriteRecordLines(output, "hostile.log", Assert.Single(read.Batches));
        var line = Encoding.UTF8.GetString(output.WrittenSpan);

        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain('\u202e', line);
        Assert.Contains("\\u001B[31m", line);
    }

    private static byte[] WriteResults(params LogObjectInspection[] inspections)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            LogObjectInspectionJson.WriteResults(writer, inspections);
        }

        return output.WrittenSpan.ToArray();
    }
}
