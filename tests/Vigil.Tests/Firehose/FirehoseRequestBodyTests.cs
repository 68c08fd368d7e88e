using System.Text;
using Vigil.Ingestion.Firehose;

namespace Vigil.Tests.Firehose;

public sealed class FirehoseRequestBodyTests
{
    [Fact]
    public void Parse_ReadsIdTimestampAndRecords()
    {
        var body = Encoding.UTF8.GetBytes("{\"requestId\":\"ed4acda5-034f-9f42-bba1-f29aea6d7d8f\",\"timestamp\":1578090901599,\"records\":[{\"data\":\"aGVsbG8=\"},{\"data\":\"d29ybGQ=\"}]}");

        var request = FirehoseRequestBody.Parse(body, FirehoseLimits.Default);

        Assert.Equal("ed4acda5-034f-9f42-bba1-f29aea6d7d8f", request.RequestId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1578090901599), request.Timestamp);
        Assert.Equal(2, request.Records.Count);
        Assert.Equal("hello", Encoding.UTF8.GetString(request.Records[0].Data!));
        Assert.Equal(1, request.Records[1].Index);
    }

    [Fact]
    public void Parse_EscapedSlashInBase64_Decoded()
    {
        // "/+8=" with the slash escaped as JSON allows.
        var body = Encoding.UTF8.GetBytes("{\"requestId\":\"r\",\"records\":[{\"data\":\"\\/+8=\"}]}");

        var request = FirehoseRequestBody.Parse(body, FirehoseLimits.Default);

        Assert.Equal(new byte[] { 0xff, 0xef }, request.Records[0].Data);
    }

    [Fact]
    public void Parse_BadRecordsKeptWithError()
    {
        var body = Encoding.UTF8.GetBytes("{\"requestId\":\"r\",\"records\":[{\"data\":\"%%%\"},{\"other\":1},42,{\"data\":7}]}");

        var request = FirehoseRequestBody.Parse(body, FirehoseLimits.Default);

        Assert.Equal(4, request.Records.Count);
        Assert.Equal("the field \"data\" is not valid base64", request.Records[0].Error);
        Assert.Equal("the field \"data\" is missing", request.Records[1].Error);
        Assert.Equal("the record is not a JSON object", request.Records[2].Error);
        Assert.Contains("not a base64 string", request.Records[3].Error, StringComparison.Ordinal);
        Assert.All(request.Records, record => Assert.Null(record.Data));
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"records\":[]}", "\"requestId\" is missing")]
    [InlineData("{\"requestId\":\"r\"}", "\"records\" is missing")]
    [InlineData("{\"requestId\":5,\"records\":[]}", "\"requestId\" has the wrong JSON type")]
    [InlineData("{\"requestId\":\"r\",\"records\":[", "not valid JSON")]
    public void Parse_InvalidBody_Throws(string json, string expected)
    {
        var exception = Assert.ThrowsAny<FirehoseRequestException>(() => FirehoseRequestBody.Parse(Encoding.UTF8.GetBytes(json), FirehoseLimits.Default));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooManyRecords_ThrowsTooLarge()
    {
        var body = Encoding.UTF8.GetBytes("{\"requestId\":\"r\",\"records\":[{\"data\":\"\"},{\"data\":\"\"},{\"data\":\"\"}]}");

        var exception = Assert.Throws<FirehoseRequestTooLargeException>(() => FirehoseRequestBody.Parse(body, FirehoseLimits.Default with { MaxRecords = 2 }));

        Assert.Contains("more than 2 records", exception.Message, StringComparison.Ordinal);
    }
}
