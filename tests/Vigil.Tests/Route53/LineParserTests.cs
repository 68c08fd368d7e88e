using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion.Route53;

namespace Vigil.Tests.Route53;

/// <summary>
/// The byte-level parser of one-line records (<see cref="Route53LineParser"/>) against the
/// <see cref="System.Text.Json.Utf8JsonReader"/> path (<see cref="Route53RecordParser.Parse"/>):
/// every line the fast parser accepts must give the same record, and every line outside its form
/// must be left to the slow path.
/// </summary>
public sealed class LineParserTests
{
    private const string Usual =
        """{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d4e5f6bench","query_timestamp":"2026-11-03T23:24:00Z","query_name":"updates173.example.net.","query_type":"PTR","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"192.0.2.72","Type":"PTR","Class":"IN"}],"srcaddr":"10.0.4.5","srcport":"41003","transport":"UDP","srcids":{"instance":"i-0c0000000000003e9"}}""";

    private static readonly string[] Accepted =
    [
        Usual,
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"www.example.com."}""",
        """  { "query_timestamp" : "2024-05-01T10:00:01Z" , "query_name" : "WWW.Example.COM." , "srcport" : 53 }  """,
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":".","answers":null,"srcids":null,"srcaddr":null,"srcport":null}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","answers":[],"srcids":{}}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","answers":[{"Rdata":"web.example.com.","Type":"CNAME","Class":"IN"},{"rdata":"2001:db8::1","answer_type":"AAAA","answer_class":"IN"},{"Rdata":"010.0.0.1"}]}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcids":{"resolver_endpoint":"rslvr-in-1","resolver_network_interface":"rni-1","extra":[1,2.5,-3e2,true,false,null,{"a":{}}]}}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","unknown":{"nested":[[],[{}],"text",0.0]},"Type":"A","answers":[{"Rdata":"192.0.2.1","ttl":300}]}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","firewall_rule_group_id":"rslvr-frg-1","firewall_rule_action":"BLOCK","firewall_domain_list_id":"rslvr-fdl-1","srcaddr":"2001:db8::7"}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcport":"00053","srcaddr":"not an address"}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcids":{"instance":"i-2","instance":null}}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcids":{"instance":null,"instance":"i-3","x":1}}""",
        "{\"query_timestamp\":\"2024-05-01T10:00:01Z\",\"query_name\":\"a.example.\",\t\"rcode\":\"NOERROR\"}\t ",
    ];

    private static readonly string[] Declined =
    [
        // Escapes, control characters and non-ASCII text are left to Utf8JsonReader.
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a\u002eexample."}""",
        "{\"query_timestamp\":\"2024-05-01T10:00:01Z\",\"query_name\":\"bücher.example.\"}",
        "{\"query_timestamp\":\"2024-05-01T10:00:01Z\",\"query_name\":\"a\u0001.example.\"}",
        "{\"query_timestamp\":\"2024-05-01T10:00:01Z\",\"query_name\":\"a.example.\",\"region\":\"eu\u007f\"}",

        // A repeated known field: the slow path decides which value counts.
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","query_name":"b.example."}""",

        // Another time form, a port that is not plain digits up to 65535, a known field of another type.
        """{"query_timestamp":"2024-05-01T10:00:01.5Z","query_name":"a.example."}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcport":"65536"}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcport":5.3e1}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcport":-1}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","region":7}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","answers":["192.0.2.1"]}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","answers":[{"Rdata":1}]}""",

        // Records that the slow path rejects.
        """{"query_timestamp":"2024-05-01T10:00:01Z"}""",
        """{"query_name":"a.example."}""",
        """{"query_timestamp":null,"query_name":"a.example."}""",

        // Invalid JSON, and text after the object.
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.",}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","x":01}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","x":1.}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","x":tru}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","x":[1 2]}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example."} {}""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.""",
        """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","x":"open""",
    ];

    public static TheoryData<string> AcceptedLines => new(Accepted);

    public static TheoryData<string> DeclinedLines => new(Declined);

    [Theory]
    [MemberData(nameof(AcceptedLines))]
    public void FastParser_UsualForms_SameRecordAsSlowPath(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);

        var fast = Route53LineParser.TryParse(bytes, Route53Read.IngestTime, Route53QueryLogReaderOptions.Default);
        var slow = Route53RecordParser.Parse(bytes.AsSpan().Trim(" \t"u8), Route53Read.IngestTime, Route53QueryLogReaderOptions.Default, out var error);

        Assert.Null(error);
        Assert.NotNull(slow);
        Assert.NotNull(fast);
        AssertSameRecord(slow, fast);
    }

    [Theory]
    [MemberData(nameof(DeclinedLines))]
    public void FastParser_OtherForms_LeftToSlowPath(string line)
    {
        var fast = Route53LineParser.TryParse(Encoding.UTF8.GetBytes(line), Route53Read.IngestTime, Route53QueryLogReaderOptions.Default);

        Assert.Null(fast);
    }

    [Fact]
    public void FastParser_LongStrings_CutAsSlowPath()
    {
        var options = Route53QueryLogReaderOptions.Default with { MaxStringLength = 20 };
        var bytes = Encoding.UTF8.GetBytes(Usual);

        var fast = Route53LineParser.TryParse(bytes, Route53Read.IngestTime, options);
        var slow = Route53RecordParser.Parse(bytes, Route53Read.IngestTime, options, out _);

        // The 23-character query name rejects the record, so both paths must leave it.
        Assert.Null(slow);
        Assert.Null(fast);

        var shortName = Encoding.UTF8.GetBytes(Usual.Replace("updates173.example.net.", "a.example."));
        fast = Route53LineParser.TryParse(shortName, Route53Read.IngestTime, options);
        slow = Route53RecordParser.Parse(shortName, Route53Read.IngestTime, options, out _);
        Assert.NotNull(slow);
        Assert.NotNull(fast);
        Assert.Equal("vpc-0a1b2c3d4e5f6ben", fast.VpcId);
        AssertSameRecord(slow, fast);
    }

    [Fact]
    public void FastParser_DeepNesting_LeftToSlowPath()
    {
        var options = Route53QueryLogReaderOptions.Default with { MaxDepth = 4 };
        var shallow = Encoding.UTF8.GetBytes("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","x":[[1]]}""");
        var deep = Encoding.UTF8.GetBytes("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","x":[[[[1]]]]}""");

        Assert.NotNull(Route53LineParser.TryParse(shallow, Route53Read.IngestTime, options));
        Assert.Null(Route53LineParser.TryParse(deep, Route53Read.IngestTime, options));
        Assert.Null(Route53RecordParser.Parse(deep, Route53Read.IngestTime, options, out _));
    }

    [Fact]
    public async Task Reader_MixedForms_SameRecordsAsSlowPath()
    {
        // Only lines of one complete object each. The line scanner handles text after an object and
        // unclosed objects before either parser runs, and ReaderRejectionTests cover those.
        var lines = Accepted.Concat(Declined.Where(line => line.EndsWith('}') && !line.Contains("} {", StringComparison.Ordinal))).ToList();

        var read = await Route53Read.TextAsync(string.Join("\n", lines) + "\n");

        var expected = lines
            .Select(line => Route53RecordParser.Parse(Encoding.UTF8.GetBytes(line.Trim(' ', '\t')), Route53Read.IngestTime, Route53QueryLogReaderOptions.Default, out _))
            .OfType<DnsQueryRecord>()
            .ToList();
        Assert.Equal(expected.Count, read.Records.Count);
        Assert.Equal(lines.Count - expected.Count, read.Rejections.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSameRecord(expected[i], read.Records[i]);
        }
    }

    [Fact]
    public void FastParser_EndpointSourceIds_KeepsEveryId()
    {
        var line = """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.","srcids":{"instance":"i-1","resolver_endpoint":"rslvr-in-1"}}""";

        var record = Route53LineParser.TryParse(Encoding.UTF8.GetBytes(line), Route53Read.IngestTime, Route53QueryLogReaderOptions.Default);

        Assert.NotNull(record?.SourceIds);
        Assert.Equal("i-1", record.SourceIds.Instance);
        Assert.Equal("rslvr-in-1", record.SourceIds.ResolverEndpoint);
        Assert.Null(record.SourceIds.ResolverNetworkInterface);
    }

    private static void AssertSameRecord(DnsQueryRecord expected, DnsQueryRecord actual)
    {
        Assert.Equal(expected.Answers, actual.Answers);
        Assert.Equal(expected.SourceIds, actual.SourceIds);
        Assert.Equal(expected with { Answers = [], SourceIds = null }, actual with { Answers = [], SourceIds = null });
    }
}
