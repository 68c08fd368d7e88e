using Vigil.Ingestion.Route53;

namespace Vigil.Tests.Route53;

public sealed class ReaderRejectionTests
{
    private const string Good = """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"good.example.com."}""";

    [Fact]
    public async Task Read_BadLines_KeepsGoodRecords()
    {
        var read = await Route53Read.FixtureAsync("bad-lines-in-middle.log");

        Assert.Equal(["host1.example.com", "host3.example.com", "host11.example.com", "host12.example.com"], read.Records.Select(r => r.NormalizedQueryName));
        Assert.Equal(12, read.Summary.Lines);
        Assert.Equal(4, read.Summary.RecordsRead);
        Assert.Equal(7, read.Summary.RecordsRejected);
    }

    [Fact]
    public async Task Read_BadLines_GiveLineNumbers()
    {
        var read = await Route53Read.FixtureAsync("bad-lines-in-middle.log");

        Assert.Equal([2L, 4, 6, 7, 8, 9, 10], read.Rejections.Select(r => r.Line));
        Assert.All(read.Rejections, r => Assert.Equal("bad-lines-in-middle.log", r.ObjectName));
    }

    [Fact]
    public async Task Read_BadLines_NameField()
    {
        var read = await Route53Read.FixtureAsync("bad-lines-in-middle.log");

        Assert.Equal([null, "query_timestamp", "query_name", "query_name", "answers", "srcport", null], read.Rejections.Select(r => r.Field));
    }

    [Fact]
    public async Task Read_BadLines_GiveReasons()
    {
        var read = await Route53Read.FixtureAsync("bad-lines-in-middle.log");

        Assert.StartsWith("invalid JSON: the object is not closed on line 2, and line 3 does not continue it", read.Rejections[0].Reason);
        Assert.Equal("missing", read.Rejections[1].Reason);
        Assert.Equal("missing", read.Rejections[2].Reason);
        Assert.Equal("expected a string, found a number", read.Rejections[3].Reason);
        Assert.Equal("expected an array, found a string", read.Rejections[4].Reason);
        Assert.Equal("invalid port 'http' (expected 0 to 65535)", read.Rejections[5].Reason);
        Assert.Equal("the line is not a JSON object", read.Rejections[6].Reason);
    }

    [Fact]
    public async Task Read_BadLines_GiveByteOffsets()
    {
        var content = Vigil.Tests.Support.Fixture.Bytes("Route53/bad-lines-in-middle.log");
        var lineStarts = new List<long> { 0 };
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var read = await Route53Read.BytesAsync(content, "bad-lines-in-middle.log");

        Assert.All(read.Rejections, r => Assert.Equal(lineStarts[(int)r.Line - 1], r.ByteOffset));
    }

    [Fact]
    public async Task Read_BadLines_CountRecordIndex()
    {
        var read = await Route53Read.FixtureAsync("bad-lines-in-middle.log");

        // Lines 1 and 3 are records 0 and 2; the blank line 5 is no record.
        Assert.Equal([1L, 3, 4, 5, 6, 7, 8], read.Rejections.Select(r => r.RecordIndex));
    }

    [Fact]
    public async Task Read_CrLfLineEnds_SameResult()
    {
        var content = File.ReadAllText(Vigil.Tests.Support.Fixture.PathOf("Route53/bad-lines-in-middle.log")).Replace("\n", "\r\n", StringComparison.Ordinal);

        var read = await Route53Read.TextAsync(content);

        Assert.Equal(4, read.Records.Count);
        Assert.Equal([2L, 4, 6, 7, 8, 9, 10], read.Rejections.Select(r => r.Line));
    }

    [Theory]
    [InlineData("""{"query_timestamp":"2024-05-01","query_name":"a.example.com."}""", "query_timestamp")]
    [InlineData("""{"query_timestamp":"10:15:00","query_name":"a.example.com."}""", "query_timestamp")]
    [InlineData("""{"query_timestamp":1714557601,"query_name":"a.example.com."}""", "query_timestamp")]
    [InlineData("""{"query_timestamp":null,"query_name":"a.example.com."}""", "query_timestamp")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":""}""", "query_name")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":["a.example.com."]}""", "query_name")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","account_id":111122223333}""", "account_id")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","srcport":70000}""", "srcport")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","srcport":"-1"}""", "srcport")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","srcport":true}""", "srcport")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","srcids":"i-0a1b2c3d4e5f60718"}""", "srcids")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","srcids":{"instance":7}}""", "srcids.instance")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","answers":["203.0.113.10"]}""", "answers[0]")]
    [InlineData("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","answers":[{"Rdata":"x","Type":"A"},{"Rdata":{}}]}""", "answers[1].Rdata")]
    public async Task Read_WrongFieldValue_RejectedWithField(string line, string field)
    {
        var read = await Route53Read.TextAsync(line + "\n" + Good + "\n");

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(1, rejection.Line);
        Assert.Equal(field, rejection.Field);
        Assert.Equal("good.example.com", Assert.Single(read.Records).NormalizedQueryName);
    }

    [Fact]
    public async Task Read_QueryNameOverLimit_Rejected()
    {
        var options = new Route53QueryLogReaderOptions { MaxStringLength = 20 };

        var read = await Route53Read.TextAsync("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a-rather-long-name.example.com."}""" + "\n" + Good, options);

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal("query_name", rejection.Field);
        Assert.Contains("limit of 20", rejection.Reason);
        Assert.Single(read.Records);
    }

    [Fact]
    public async Task Read_TwoObjectsOnOneLine_Rejected()
    {
        var read = await Route53Read.TextAsync(Good + " " + Good + "\n" + Good);

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(1, rejection.Line);
        Assert.Equal("text follows the JSON object on the same line", rejection.Reason);
        Assert.Single(read.Records);
    }

    [Fact]
    public async Task Read_TruncatedLine_KeepsNextLines()
    {
        // Line 1 ends where a value is expected, so the object on line 2 could continue it. Line 3
        // cannot continue it, so line 1 is rejected and reading starts again at line 2.
        var content = """{"query_timestamp":"2024-05-01T10:00:01Z","srcids":""" + "\n" + Good + "\n" + Good + "\n";

        var read = await Route53Read.TextAsync(content);

        Assert.Equal(2, read.Records.Count);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(1, rejection.Line);
        Assert.StartsWith("invalid JSON: the object is not closed on line 1, and line 3 does not continue it", rejection.Reason);
    }

    [Fact]
    public async Task Read_UnclosedLastLine_Rejected()
    {
        var read = await Route53Read.TextAsync(Good + "\n" + """{"query_timestamp":"2024-05-01T10:00:01Z",""");

        Assert.Single(read.Records);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.Equal("the object ends before the JSON object closes", rejection.Reason);
    }

    [Fact]
    public async Task Read_UnclosedMiddleLine_Rejected()
    {
        var read = await Route53Read.TextAsync(Good + "\n" + """{"query_timestamp":"2024-05-01T10:00:01Z",""" + "\n\n" + Good + "\n");

        Assert.Equal(2, read.Records.Count);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(2, rejection.Line);
    }

    [Fact]
    public async Task Read_PrettyPrintedRecord_ReadAsOne()
    {
        var read = await Route53Read.FixtureAsync("pretty-printed.json");

        Assert.Empty(read.Rejections);
        Assert.Equal(["pretty.example.com", "host2.example.com"], read.Records.Select(r => r.NormalizedQueryName));
        Assert.Equal("BLOCK", read.Records[0].FirewallRuleAction);
        Assert.Equal("rni-0a1b2c3d4e5f60718", read.Records[0].SourceIds?.ResolverNetworkInterface);
    }

    [Fact]
    public async Task Read_InvalidPrettyPrintedRecord_RejectsEachLine()
    {
        var content = "{\n  \"query_name\": \"a.example.com.\",\n  \"query_timestamp\": 2024-05-01\n}\n" + Good + "\n";

        var read = await Route53Read.TextAsync(content);

        Assert.Equal([1L, 2, 3, 4], read.Rejections.Select(r => r.Line));
        Assert.StartsWith("invalid JSON: the object is not closed on line 1, and line 3 does not continue it", read.Rejections[0].Reason);
        Assert.Equal("the line is not a JSON object", read.Rejections[1].Reason);
        Assert.Equal("good.example.com", Assert.Single(read.Records).NormalizedQueryName);
    }

    [Fact]
    public async Task Read_BlankAndWhitespaceLines_Skipped()
    {
        var read = await Route53Read.TextAsync("\n \t\n" + Good + "\n\r\n\n" + Good + "\n\n");

        Assert.Equal(2, read.Records.Count);
        Assert.Empty(read.Rejections);
        Assert.Equal(7, read.Summary.Lines);
    }

    [Fact]
    public async Task Read_EmptyObject_ReadsNothing()
    {
        var read = await Route53Read.TextAsync(string.Empty);

        Assert.Empty(read.Records);
        Assert.Empty(read.Rejections);
        Assert.Equal(0, read.Summary.Lines);
    }

    [Fact]
    public async Task Read_ByteOrderMark_Skipped()
    {
        byte[] content = [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Good + "\n" + Good)];

        var read = await Route53Read.BytesAsync(content);

        Assert.Equal(2, read.Records.Count);
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Read_ByteOrderMarkOnLaterLine_Rejected()
    {
        byte[] content = [.. System.Text.Encoding.UTF8.GetBytes(Good + "\n"), 0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Good)];

        var read = await Route53Read.BytesAsync(content);

        Assert.Single(read.Records);
        Assert.Equal(2, Assert.Single(read.Rejections).Line);
    }
}
