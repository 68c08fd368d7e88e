using Vigil.Ingestion.CloudTrail;
using Vigil.Tests.Support;

namespace Vigil.Tests.CloudTrail;

/// <summary>Payload fields whose JSON type or depth varies from one event to the next.</summary>
public sealed class ReaderFieldShapeTests
{
    [Fact]
    public async Task Reader_MixedFieldTypes_ReadsAllRecords()
    {
        var read = await CloudTrailRead.FixtureAsync("mixed-field-types.json");

        Assert.Equal(7, read.Events.Count);
        Assert.Empty(read.Rejections);
        Assert.Equal(7, read.Summary.RecordsRead);
        Assert.Equal(0, read.Summary.RecordsRejected);
        Assert.Null(read.Summary.Error);
    }

    [Fact]
    public async Task Reader_MixedFieldTypes_KeepsRawJson()
    {
        var events = (await CloudTrailRead.FixtureAsync("mixed-field-types.json")).Events;

        // A nested field that is an array in one event and a string in the next.
        Assert.Equal("""{"filterSet": {"items": [{"name": "instance-state-name"}, {"name": "tag:team"}]}}""", events[0].RequestParametersJson);
        Assert.Equal("""{"filterSet": "instance-state-name"}""", events[1].RequestParametersJson);

        // responseElements as a JSON string, then as an object.
        Assert.Equal("\"Enabled\"", events[2].ResponseElementsJson);
        Assert.Equal(
            """{"instancesSet": {"items": [{"instanceId": "i-0123456789abcdef0", "currentState": {"code": 0, "name": "pending"}}]}}""",
            events[3].ResponseElementsJson);

        // A field that is a boolean in one event and an object in the next.
        Assert.Equal("""{"instanceType": "t3.micro", "disableApiTermination": false}""", events[4].RequestParametersJson);
        Assert.Equal("""{"instanceId": "i-0123456789abcdef0", "disableApiTermination": {"value": true}}""", events[5].RequestParametersJson);
        Assert.Equal("""{"_return": true}""", events[5].ResponseElementsJson);

        // A JSON null payload becomes a null property, not the text "null".
        Assert.Null(events[6].RequestParametersJson);
        Assert.Null(events[6].ResponseElementsJson);
        Assert.Null(events[0].ResponseElementsJson);
    }

    [Fact]
    public async Task Reader_MixedFieldTypes_KeepsWholeRecordText()
    {
        var lines = File.ReadAllLines(Fixture.PathOf("CloudTrail/mixed-field-types.json"));
        var events = (await CloudTrailRead.FixtureAsync("mixed-field-types.json")).Events;

        // Lines 2 to 8 hold one record each, followed by a comma except for the last one.
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(lines[i + 1].TrimEnd(','), events[i].RawJson);
        }
    }

    [Fact]
    public async Task Reader_DeepNesting_ReadsBothRecords()
    {
        var read = await CloudTrailRead.FixtureAsync("deep-nesting.json");

        Assert.Equal(2, read.Events.Count);
        Assert.Empty(read.Rejections);
        Assert.Null(read.Summary.Error);
        Assert.Equal("PutParameter", read.Events[0].EventName);
        Assert.Equal("GetCallerIdentity", read.Events[1].EventName);
    }

    [Fact]
    public async Task Reader_DeepNesting_KeepsPayloadAsRawText()
    {
        // 200 nested objects, far deeper than System.Text.Json's default maximum depth of 64.
        var expected = string.Concat(Enumerable.Repeat("{\"a\": ", 199)) + "{\"a\": \"leaf\"}" + new string('}', 199);

        var read = await CloudTrailRead.FixtureAsync("deep-nesting.json");

        Assert.Equal(expected, read.Events[0].RequestParametersJson);
    }

    [Fact]
    public async Task Reader_DepthOverMax_StopsWithError()
    {
        var options = new CloudTrailReaderOptions { MaxDepth = 64 };

        var read = await CloudTrailRead.FixtureAsync("deep-nesting.json", options);

        Assert.Empty(read.Events);
        Assert.NotNull(read.Summary.Error);
        Assert.Contains("line 2", read.Summary.Error);
    }

    [Fact]
    public async Task Reader_EventTimes_AreExactUtcValues()
    {
        var events = (await CloudTrailRead.FixtureAsync("event-times.json")).Events;

        Assert.Equal(4, events.Count);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 10, 15, 0, TimeSpan.Zero), events[0].EventTime);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 10, 15, 0, 123, TimeSpan.Zero), events[1].EventTime);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 10, 15, 0, 123, 456, TimeSpan.Zero), events[2].EventTime);
        Assert.Equal(new DateTimeOffset(2024, 3, 3, 23, 59, 59, TimeSpan.Zero), events[3].EventTime);
        Assert.All(events, e => Assert.Equal(TimeSpan.Zero, e.EventTime.Offset));
    }

    [Fact]
    public async Task Reader_IngestTime_IsTheValuePassedIn()
    {
        var events = (await CloudTrailRead.FixtureAsync("event-times.json")).Events;

        Assert.All(events, e => Assert.Equal(CloudTrailRead.IngestTime, e.IngestTime));
        Assert.All(events, e => Assert.NotEqual(e.EventTime, e.IngestTime));
    }

    [Fact]
    public async Task Reader_EventTimeWithOffset_ConvertsToUtc()
    {
        var json = """{"Records": [{"eventTime": "2024-03-05T12:15:00+02:00", "eventID": "offset"}]}"""u8.ToArray();

        var events = (await CloudTrailRead.BytesAsync(json)).Events;

        Assert.Equal(new DateTimeOffset(2024, 3, 5, 10, 15, 0, TimeSpan.Zero), events[0].EventTime);
        Assert.Equal(TimeSpan.Zero, events[0].EventTime.Offset);
    }

    [Fact]
    public void TryParseUtcSeconds_ManyDates_MatchConstructor()
    {
        // Every day of leap and common years, century years and the ends of the range, each with
        // its own time of day, against the DateTimeOffset constructor.
        var random = new Random(17);
        int[] years = [1, 4, 100, 1600, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999];
        foreach (var year in years)
        {
            var daysInYear = DateTime.IsLeapYear(year) ? 366 : 365;
            for (var dayOfYear = 0; dayOfYear < daysInYear; dayOfYear++)
            {
                var date = new DateTime(year, 1, 1).AddDays(dayOfYear);
                var expected = new DateTimeOffset(year, date.Month, date.Day, random.Next(24), random.Next(60), random.Next(60), TimeSpan.Zero);
                var text = System.Text.Encoding.ASCII.GetBytes(expected.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

                Assert.True(CloudTrailRecordParser.TryParseUtcSeconds(text, out var time), $"{expected:O} not parsed");
                Assert.Equal(expected.UtcTicks, time.UtcTicks);
                Assert.Equal(TimeSpan.Zero, time.Offset);
            }
        }
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2100-02-29T00:00:00Z")]
    [InlineData("2024-04-31T00:00:00Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("2024-01-01T24:00:00Z")]
    [InlineData("2024-01-01T23:60:00Z")]
    [InlineData("2024-01-01T23:59:60Z")]
    public void TryParseUtcSeconds_ImpossibleDate_ReturnsFalse(string text)
    {
        Assert.False(CloudTrailRecordParser.TryParseUtcSeconds(System.Text.Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("10:15")]
    [InlineData("March 5")]
    [InlineData("5/3/2024")]
    [InlineData("yesterday")]
    public async Task Reader_EventTimeNotIso8601_IsRejected(string eventTime)
    {
        var json = System.Text.Encoding.UTF8.GetBytes($$"""{"Records": [{"eventTime": "{{eventTime}}", "eventID": "loose-time"}]}""");

        var read = await CloudTrailRead.BytesAsync(json);

        Assert.Empty(read.Events);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal("eventTime", rejection.Field);
    }

    [Fact]
    public async Task Reader_RepeatedAndChangedValues()
    {
        // The reader reuses a field's string when the next record repeats its bytes; a changed,
        // escaped or shorter value must still come through as written.
        var content = """
            {"Records": [
              {"eventTime": "2026-11-03T02:34:04Z", "eventID": "a", "awsRegion": "us-east-1", "eventSource": "s3.amazonaws.com"},
              {"eventTime": "2026-11-03T02:34:05Z", "eventID": "b", "awsRegion": "us-east-2", "eventSource": "s3.amazonaws.com"},
              {"eventTime": "2026-11-03T02:34:06Z", "eventID": "c", "awsRegion": "us-east-1", "eventSource": "s3.amazonaws.co"},
              {"eventTime": "2026-11-03T02:34:07Z", "eventID": "d", "awsRegion": "us-\u0065ast-1", "eventSource": "s3.amazonaws.com"},
              {"eventTime": "2026-11-03T02:34:08Z", "eventID": "e", "awsRegion": "eu-west-1", "eventSource": null}
            ]}
            """u8.ToArray();

        var events = (await CloudTrailRead.BytesAsync(content)).Events;

        Assert.Equal(["us-east-1", "us-east-2", "us-east-1", "us-east-1", "eu-west-1"], events.Select(e => e.AwsRegion));
        Assert.Equal(["s3.amazonaws.com", "s3.amazonaws.com", "s3.amazonaws.co", "s3.amazonaws.com", null], events.Select(e => e.EventSource));
    }
}
