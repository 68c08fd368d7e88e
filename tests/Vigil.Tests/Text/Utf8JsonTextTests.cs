using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Text;

namespace Vigil.Tests.Text;

/// <summary>The UTF-8 form in which a CloudTrail event keeps its raw record.</summary>
public sealed class Utf8JsonTextTests
{
    [Fact]
    public void Equality_ComparesBytesNotBuffers()
    {
        var bytes = "{\"eventName\":\"StopLogging\"}"u8.ToArray();
        var inLargerBuffer = new byte[bytes.Length + 10];
        bytes.CopyTo(inLargerBuffer, 5);

        var first = new Utf8JsonText(bytes);
        var second = new Utf8JsonText(inLargerBuffer.AsMemory(5, bytes.Length));

        Assert.Equal(first, second);
        Assert.True(first == second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, new Utf8JsonText(bytes.AsMemory(0, bytes.Length - 1)));
    }

    [Fact]
    public void FromString_RoundTripsNonAsciiText()
    {
        const string text = "{\"userName\":\"zoë \u4e2d\u6587\"}";

        Utf8JsonText value = text;

        Assert.Equal(Encoding.UTF8.GetByteCount(text), value.Length);
        Assert.Equal(text, value.ToString());
    }

    [Fact]
    public void Null_IsEmpty()
    {
        Utf8JsonText value = (string?)null;

        Assert.True(value.IsEmpty);
        Assert.Equal(string.Empty, value.ToString());
    }

    [Theory]
    [InlineData("{\"a\":\"quote \\\" and backslash \\\\\"}")]
    [InlineData("{\"a\":\"line\\nbreak\"}")]
    [InlineData("{\"name\":\"\u00e9t\u00e9 \ud83d\ude00\"}")]
    [InlineData("")]
    public void Json_WritesAStringAndReadsItBack(string text)
    {
        var record = new Holder(text);

        var json = JsonSerializer.Serialize(record);
        using (var document = JsonDocument.Parse(json))
        {
            Assert.Equal(JsonValueKind.String, document.RootElement.GetProperty("Raw").ValueKind);
            Assert.Equal(text, document.RootElement.GetProperty("Raw").GetString());
        }

        var back = JsonSerializer.Deserialize<Holder>(json)!;
        Assert.Equal(record, back);
        Assert.Equal(text, back.Raw.ToString());
    }

    [Fact]
    public void Json_RejectsANonString()
    {
        var exception = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Holder>("{\"Raw\":{\"a\":1}}"));

        Assert.Contains("Expected a string", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudTrailEvent_SameRecordBytes_Equal()
    {
        var time = new DateTimeOffset(2026, 11, 3, 2, 34, 4, TimeSpan.Zero);
        var first = new CloudTrailEvent { EventId = "e-1", EventTime = time, IngestTime = time, RawJson = new Utf8JsonText("{\"eventID\":\"e-1\"}"u8.ToArray()) };
        var second = first with { RawJson = "{\"eventID\":\"e-1\"}" };

        Assert.Equal(first, second);
        Assert.NotEqual(first, second with { RawJson = "{\"eventID\":\"e-2\"}" });
    }

    private sealed record Holder(Utf8JsonText Raw);
}
