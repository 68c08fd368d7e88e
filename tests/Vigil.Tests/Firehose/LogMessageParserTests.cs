using Vigil.Ingestion.Firehose;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Tests.Firehose;

public sealed class LogMessageParserTests
{
    private static readonly DateTimeOffset IngestTime = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FlowLine_DefaultFormat()
    {
        var parsed = new LogMessageParser(FlowLineFormat.Default).Parse("2 111122223333 eni-0a1 10.0.0.5 198.51.100.7 49152 443 6 10 840 1764583200 1764583260 ACCEPT OK", IngestTime);

        Assert.Null(parsed.Error);
        var flow = Assert.NotNull(parsed.Flow);
        Assert.Equal("111122223333", flow.AccountId);
        Assert.Equal("eni-0a1", flow.InterfaceId);
        Assert.Equal(443, flow.DestinationPort);
        Assert.Equal(840, flow.Bytes);
    }

    [Fact]
    public void FlowLine_CustomFormat()
    {
        Assert.True(FlowLineFormat.TryParse("${version} ${vpc-id} ${srcaddr} ${dstaddr} ${interface-id} ${action}", out var format, out var error), error);

        var parsed = new LogMessageParser(format).Parse("5 vpc-9 10.0.0.5 10.0.0.6 eni-7 REJECT", IngestTime);

        Assert.Null(parsed.Error);
        var flow = Assert.NotNull(parsed.Flow);
        Assert.Equal("vpc-9", flow.VpcId);
        Assert.Equal("eni-7", flow.InterfaceId);
        Assert.Null(flow.AccountId);
        Assert.False(format.HasAccountId);
    }

    [Fact]
    public void FlowLine_BadValue_NamesField()
    {
        var parsed = new LogMessageParser(FlowLineFormat.Default).Parse("2 111122223333 eni-0a1 10.0.0.5 198.51.100.7 49152 99999 6 10 840 1764583200 1764583260 ACCEPT OK", IngestTime);

        Assert.Null(parsed.Flow);
        Assert.Equal("dstport", parsed.Error!.Field);
    }

    [Fact]
    public void FlowLine_WrongFieldCount_Rejected()
    {
        var parsed = new LogMessageParser(FlowLineFormat.Default).Parse("2 111122223333 eni-0a1", IngestTime);

        Assert.Contains("3 fields", parsed.Error!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${version} ${nonsense}", "\"${nonsense}\" is not a flow log field")]
    [InlineData("version version", "named more than once")]
    public void FlowFormat_Invalid(string format, string expected)
    {
        Assert.False(FlowLineFormat.TryParse(format, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudTrailJson_Parsed()
    {
        var parsed = new LogMessageParser(FlowLineFormat.Default).Parse(
            "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-12-01T10:00:00Z\",\"eventName\":\"ListUsers\",\"eventID\":\"e-1\",\"recipientAccountId\":\"111122223333\",\"requestParameters\":{\"query_name\":\"x\"}}",
            IngestTime);

        Assert.Null(parsed.Error);
        Assert.Equal("e-1", parsed.CloudTrail!.EventId);
        Assert.Equal("111122223333", parsed.CloudTrail.AccountId);
    }

    [Fact]
    public void ResolverJson_Parsed()
    {
        var parsed = new LogMessageParser(FlowLineFormat.Default).Parse(
            "{\"version\":\"1.100000\",\"account_id\":\"111122223333\",\"query_timestamp\":\"2026-12-01T10:00:05Z\",\"query_name\":\"WWW.Example.com.\",\"query_type\":\"A\"}",
            IngestTime);

        Assert.Null(parsed.Error);
        Assert.Equal("www.example.com", parsed.Query!.NormalizedQueryName);
        Assert.Equal("111122223333", parsed.Query.AccountId);
    }

    [Theory]
    [InlineData("{\"hello\":1}", "neither a CloudTrail event")]
    [InlineData("{\"eventTime\":", "not one valid JSON object")]
    [InlineData("{\"a\":1} {\"b\":2}", "not one valid JSON object")]
    [InlineData("   ", "empty")]
    public void UnusableMessage_Rejected(string message, string expected)
    {
        var parsed = new LogMessageParser(FlowLineFormat.Default).Parse(message, IngestTime);

        Assert.Contains(expected, parsed.Error!.Reason, StringComparison.Ordinal);
    }
}
