using System.Text.Json;
using Vigil.Ingestion.Objects;

namespace Vigil.Tests.Objects;

public sealed class S3EventNotificationTests
{
    [Fact]
    public void Parse_ObjectCreated_DecodesKeyAndKeepsSizeAndETag()
    {
        var message = S3EventNotification.Parse(Notification(Record("ObjectCreated:Put", "AWSLogs/111122223333/CloudTrail/us-east-1/my+log%2Bv2%C3%A9.json")));

        var created = Assert.Single(message.Objects);
        Assert.Equal("trail-logs", created.Bucket);
        Assert.Equal("AWSLogs/111122223333/CloudTrail/us-east-1/my log+v2é.json", created.Key);
        Assert.Equal(1234, created.Size);
        Assert.Equal("0123456789abcdef0123456789abcdef", created.ETag);
        Assert.Equal("ObjectCreated:Put", created.EventName);
        Assert.Empty(message.Problems);
        Assert.False(message.IsInvalid);
        Assert.Null(message.NothingToRead);
    }

    [Fact]
    public void Parse_SnsWrapped_ReadsTheInnerNotification()
    {
        var inner = Notification(Record("ObjectCreated:CompleteMultipartUpload", "logs/a.json.gz"));
        var wrapped = JsonSerializer.Serialize(new { Type = "Notification", MessageId = "1", TopicArn = "arn:aws:sns:us-east-1:111122223333:logs", Message = inner });

        var message = S3EventNotification.Parse(wrapped);

        Assert.Equal("logs/a.json.gz", Assert.Single(message.Objects).Key);
    }

    [Fact]
    public void Parse_TestEvent_HasNothingToRead()
    {
        var message = S3EventNotification.Parse("""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-03-05T10:15:00Z","Bucket":"trail-logs"}""");

        Assert.Empty(message.Objects);
        Assert.Empty(message.Problems);
        Assert.False(message.IsInvalid);
        Assert.Contains("s3:TestEvent", message.NothingToRead, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RemovalOnly_HasNothingToRead()
    {
        var message = S3EventNotification.Parse(Notification(Record("ObjectRemoved:Delete", "logs/a.json")));

        Assert.Empty(message.Objects);
        Assert.Equal("no ObjectCreated records", message.NothingToRead);
    }

    [Theory]
    [InlineData("not json", "the message is not valid JSON")]
    [InlineData("[1,2]", "the message is not a JSON object")]
    [InlineData("""{"Records":{}}""", "the message has no Records array")]
    [InlineData("""{"Type":"Notification","Message":5}""", "the SNS notification has no Message string")]
    [InlineData("""{"Type":"Notification","Message":"{oops"}""", "the message is not valid JSON")]
    public void Parse_Malformed_IsInvalidWithReason(string body, string reason)
    {
        var message = S3EventNotification.Parse(body);

        Assert.True(message.IsInvalid);
        Assert.Empty(message.Objects);
        Assert.StartsWith(reason, Assert.Single(message.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadRecord_NamesIndexAndField_AndKeepsTheGoodOnes()
    {
        var bad = new Dictionary<string, object>
        {
            ["eventName"] = "ObjectCreated:Put",
            ["s3"] = new { bucket = new { name = "trail-logs" }, @object = new { key = "logs/b.json", eTag = "abc" } },
        };
        var message = S3EventNotification.Parse(Notification(Record("ObjectCreated:Put", "logs/a.json"), bad, "not an object"));

        Assert.Equal("logs/a.json", Assert.Single(message.Objects).Key);
        Assert.Equal(["Records[1].s3.object.size: missing or not a non-negative integer", "Records[2]: not a JSON object"], message.Problems);
        Assert.False(message.IsInvalid);
    }

    [Fact]
    public void Parse_TooManyRecords_IsInvalid()
    {
        var records = Enumerable.Range(0, S3EventNotification.MaxRecords + 1).Select(index => Record("ObjectCreated:Put", $"logs/{index}.json")).ToArray();

        var message = S3EventNotification.Parse(Notification(records));

        Assert.True(message.IsInvalid);
        Assert.Equal($"the message has {S3EventNotification.MaxRecords + 1} records; at most {S3EventNotification.MaxRecords} are read", Assert.Single(message.Problems));
    }

    [Fact]
    public void Parse_TooLarge_IsInvalid()
    {
        var message = S3EventNotification.Parse(new string(' ', S3EventNotification.MaxMessageBytes + 1));

        Assert.True(message.IsInvalid);
        Assert.Contains("larger than", Assert.Single(message.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepNesting_IsInvalid()
    {
        var body = new string('[', 100) + new string(']', 100);

        var message = S3EventNotification.Parse("""{"Records":""" + body + "}");

        Assert.True(message.IsInvalid);
    }

    private static object Record(string eventName, string key) => new
    {
        eventVersion = "2.1",
        eventSource = "aws:s3",
        awsRegion = "us-east-1",
        eventName,
        s3 = new
        {
            s3SchemaVersion = "1.0",
            bucket = new { name = "trail-logs", arn = "arn:aws:s3:::trail-logs" },
            @object = new { key, size = 1234, eTag = "0123456789abcdef0123456789abcdef", sequencer = "0055AED6DCD90281E5" },
        },
    };

    private static string Notification(params object[] records) => JsonSerializer.Serialize(new { Records = records });
}
