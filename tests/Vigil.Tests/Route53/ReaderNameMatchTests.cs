using Vigil.Contracts.Events;
using Vigil.Ingestion.Route53;

namespace Vigil.Tests.Route53;

/// <summary>Property names matched as bytes, answers in exact-size arrays and the caches of names and addresses.</summary>
public sealed class ReaderNameMatchTests
{
    [Fact]
    public async Task Read_EscapedPropertyNames_Matched()
    {
        var read = await Route53Read.TextAsync("""
            {"query\u005ftimestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","\u0073rcaddr":"10.0.0.5","srcids":{"in\u0073tance":"i-0abc"},"answers":[{"\u0052data":"192.0.2.1","Type":"A"}]}
            """);

        var record = Assert.Single(read.Records);
        Assert.Empty(read.Rejections);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 1, TimeSpan.Zero), record.QueryTimestamp);
        Assert.Equal("10.0.0.5", record.SourceAddress);
        Assert.Equal("i-0abc", record.SourceIds?.Instance);
        Assert.Equal([new DnsAnswer("192.0.2.1", "A", null)], record.Answers);
    }

    [Fact]
    public void Identify_Names_MatchedCaseSensitively()
    {
        Assert.Equal(Route53Field.AnswerType, Route53FieldNames.Identify("Type"u8));
        Assert.Equal(Route53Field.AnswerClass, Route53FieldNames.Identify("answer_class"u8));
        Assert.Equal(Route53Field.Unknown, Route53FieldNames.Identify("Query_name"u8));
        Assert.Equal(Route53Field.Unknown, Route53FieldNames.Identify("query_names"u8));
    }

    [Fact]
    public async Task Read_TopLevelType_DoesNotSetQueryType()
    {
        var read = await Route53Read.TextAsync("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","Type":"A"}""");

        var record = Assert.Single(read.Records);
        Assert.Null(record.QueryType);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Read_AnswerCounts_KeptInOrder(int count)
    {
        var answers = string.Join(",", Enumerable.Range(1, count).Select(index => $$"""{"Rdata":"192.0.2.{{index}}","Type":"A","Class":"IN"}"""));
        var read = await Route53Read.TextAsync($$"""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","answers":[{{answers}}]}""");

        var record = Assert.Single(read.Records);
        Assert.Equal(Enumerable.Range(1, count).Select(index => $"192.0.2.{index}"), record.Answers.Select(answer => answer.Rdata));
        Assert.All(record.Answers, answer => Assert.Equal("IN", answer.Class));
    }

    [Fact]
    public async Task Read_RepeatedQueryName_SameNormalisedName()
    {
        var line = """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"cdn.example.org."}""";
        var upper = """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"CDN.Example.org."}""";

        var read = await Route53Read.TextAsync(line + "\n" + line + "\n" + upper + "\n");

        Assert.Equal(3, read.Records.Count);
        Assert.All(read.Records, record => Assert.Equal("cdn.example.org", record.NormalizedQueryName));
        Assert.All(read.Records, record => Assert.True(record.IsQueryNameValid));
        Assert.Equal(["cdn.example.org.", "cdn.example.org.", "CDN.Example.org."], read.Records.Select(record => record.QueryName));
    }

    [Fact]
    public async Task Read_RepeatedInvalidName_StaysInvalid()
    {
        var label = new string('a', 64);
        var line = $$"""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"{{label}}.example.org."}""";

        var read = await Route53Read.TextAsync(line + "\n" + line + "\n");

        Assert.Equal(2, read.Records.Count);
        Assert.All(read.Records, record => Assert.False(record.IsQueryNameValid));
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("010.0.0.5")]
    [InlineData("2001:db8::5")]
    [InlineData("not-an-address")]
    public async Task Read_SourceAddress_KeptAsWritten(string address)
    {
        var line = $$"""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","srcaddr":"{{address}}","answers":[{"Rdata":"{{address}}"}]}""";

        var read = await Route53Read.TextAsync(line + "\n" + line + "\n");

        Assert.Equal(2, read.Records.Count);
        Assert.All(read.Records, record => Assert.Equal(address, record.SourceAddress));
        Assert.All(read.Records, record => Assert.Equal(address, record.Answers[0].Rdata));
    }

    [Fact]
    public async Task Read_AnswerFieldWrongType_NamesWrittenName()
    {
        var read = await Route53Read.TextAsync("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","answers":[{"answer_type":5}]}""");

        Assert.Empty(read.Records);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal("answers[0].answer_type", rejection.Field);
    }
}
