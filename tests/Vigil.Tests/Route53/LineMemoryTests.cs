using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion.Route53;

namespace Vigil.Tests.Route53;

/// <summary>
/// The byte-level parser (<see cref="Route53LineParser"/>) with what it keeps from line to line (the
/// member names and string values of the previous lines) and its quote bitmap, against the
/// <see cref="System.Text.Json.Utf8JsonReader"/> path (<see cref="Route53RecordParser.Parse"/>). Lines
/// are parsed in several orders with one <see cref="Route53LineParser.LineMemory"/>, so each line meets
/// names and values left by other lines.
/// </summary>
public sealed class LineMemoryTests
{
    private const string Time = "\"query_timestamp\":\"2024-05-01T10:00:01Z\"";

    private const string Usual =
        """{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d4e5f6bench","query_timestamp":"2026-11-03T23:24:00Z","query_name":"updates173.example.net.","query_type":"PTR","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"192.0.2.72","Type":"PTR","Class":"IN"}],"srcaddr":"10.0.4.5","srcport":"41003","transport":"UDP","srcids":{"instance":"i-0c0000000000003e9"}}""";

    /// <summary>Lines the fast parser must read itself: plain ASCII without escapes, each known field once.</summary>
    private static readonly string[] Plain =
    [
        Usual,
        Usual.Replace("us-east-1", "us-east-10", StringComparison.Ordinal),
        Usual.Replace("us-east-1", "us-east-", StringComparison.Ordinal),
        Usual.Replace("vpc-0a1b2c3d4e5f6bench", "vpc-0a1b2c3d4e5f6bencH", StringComparison.Ordinal),
        Usual.Replace("\"region\":", "\"regioN\":", StringComparison.Ordinal),
        Usual.Replace("\"region\":", "\"region_name\":", StringComparison.Ordinal),
        Usual.Replace("\"Class\":\"IN\"", "\"ClassX\":\"IN\"", StringComparison.Ordinal),
        Usual.Replace("\"version\":\"1.100000\",", string.Empty, StringComparison.Ordinal),
        Usual.Replace("\"account_id\":\"111122223333\"", "\"account_id\" : \"111122223333\"", StringComparison.Ordinal),
        Usual.Replace("\"Type\":\"PTR\",\"Class\":\"IN\"", "\"Class\":\"IN\",\"Type\":\"PTR\"", StringComparison.Ordinal),
        Usual.Replace("\"Rdata\"", "\"rdata\"", StringComparison.Ordinal).Replace("\"Type\"", "\"answer_type\"", StringComparison.Ordinal).Replace("\"Class\"", "\"answer_class\"", StringComparison.Ordinal),
        Usual.Replace("\"Type\"", "\"type\"", StringComparison.Ordinal).Replace("\"Class\"", "\"class\"", StringComparison.Ordinal),
        Usual.Replace("\"srcport\":\"41003\"", "\"srcport\":41003", StringComparison.Ordinal),
        Usual.Replace("\"query_type\":\"PTR\"", "\"query_type\":\"TYPE65534\"", StringComparison.Ordinal),
        Usual.Replace("\"query_name\":\"updates173.example.net.\"", "\"query_name\":\"xn--bcher-kva.Example.\"", StringComparison.Ordinal),
        Usual.Replace("\"query_name\":\"updates173.example.net.\"", "\"query_name\":\"UPDATES173.EXAMPLE.NET\"", StringComparison.Ordinal),
        Usual.Replace("\"query_name\":\"updates173.example.net.\"", "\"query_name\":\"a..example.\"", StringComparison.Ordinal),
        Usual.Replace("\"query_name\":\"updates173.example.net.\"", "\"query_name\":\".\"", StringComparison.Ordinal),
        Usual.Replace("\"query_name\":\"updates173.example.net.\"", "\"query_name\":\"_sip._tcp.example.\"", StringComparison.Ordinal),
        Usual.Replace("\"region\":\"us-east-1\"", "\"region\":null", StringComparison.Ordinal).Replace("\"rcode\":\"NOERROR\"", "\"rcode\":\"\"", StringComparison.Ordinal),
        Usual.Replace("[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"}]", "null", StringComparison.Ordinal).Replace("{\"instance\":\"i-0c0000000000003e9\"}", "null", StringComparison.Ordinal),
        Usual.Replace("[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"}]", "[]", StringComparison.Ordinal),
        Usual.Replace("[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"}]", "[{\"Rdata\":\"web.example.com.\",\"Type\":\"CNAME\",\"Class\":\"IN\"},{\"Rdata\":\"2001:db8::1\",\"Type\":\"AAAA\",\"Class\":\"IN\"},{\"Rdata\":null,\"ttl\":5}]", StringComparison.Ordinal),
        Usual.Replace("{\"instance\":\"i-0c0000000000003e9\"}", "{\"resolver_endpoint\":\"rslvr-in-1\",\"resolver_network_interface\":\"rni-1\",\"extra\":{\"deep\":[1,{\"x\":null}]}}", StringComparison.Ordinal),
        Usual.Replace("{\"instance\":\"i-0c0000000000003e9\"}", "{\"instance\":\"i-0c0000000000003e9\",\"instance\":null}", StringComparison.Ordinal),
        Usual.Replace("}}", "},\"firewall_rule_group_id\":\"rslvr-frg-1\",\"firewall_rule_action\":\"BLOCK\",\"firewall_domain_list_id\":\"rslvr-fdl-1\"}", StringComparison.Ordinal),
        "{" + Time + ",\"query_name\":\"a.example.\"}",
        "{\"query_name\":\"a.example.\"," + Time + ",\"srcaddr\":\"2001:db8::7\",\"srcport\":null}",
        "\t{ " + Time + " ,\t\"query_name\" : \"b.example.\" , \"region\" : \"eu-west-1\" }  ",
    ];

    /// <summary>Lines the fast parser must leave to the slow path, which reads or rejects them.</summary>
    private static readonly string[] Other =
    [
        Usual.Replace("updates173.example.net.", "updates173\\u002eexample.net.", StringComparison.Ordinal),
        Usual.Replace("updates173.example.net.", "bücher.example.", StringComparison.Ordinal),
        Usual.Replace("\"region\":\"us-east-1\"", "\"region\":\"us-east-1\\\"\"", StringComparison.Ordinal),
        Usual.Replace("\"rcode\":\"NOERROR\"", "\"rcode\":\"NOERROR\",\"rcode\":\"NXDOMAIN\"", StringComparison.Ordinal),
        Usual.Replace("\"region\":\"us-east-1\"", "\"region\":1", StringComparison.Ordinal),
        Usual.Replace("\"srcport\":\"41003\"", "\"srcport\":\"70000\"", StringComparison.Ordinal),
        Usual.Replace("\"query_name\":\"updates173.example.net.\",", string.Empty, StringComparison.Ordinal),
        Usual.Replace("\"query_timestamp\":\"2026-11-03T23:24:00Z\"", "\"query_timestamp\":null", StringComparison.Ordinal),
        Usual.Replace("\"transport\":\"UDP\"", "\"transport\":\"UDP\u007f\"", StringComparison.Ordinal),
        Usual.Replace("\"transport\":\"UDP\"", "\"transport\":\"U\tDP\"", StringComparison.Ordinal),
        Usual.Replace("\"transport\":\"UDP\"", "\"transport\":\"UDP\",\"note\":\"é\"", StringComparison.Ordinal),
    ];

    [Fact]
    public void Sequence_ForwardOrder_SameRecordsAsSlowPath()
    {
        var lines = Plain.Concat(Other).ToList();

        AssertSameAsSlowPath(lines, Route53QueryLogReaderOptions.Default);
    }

    [Fact]
    public void Sequence_ReverseOrder_SameRecordsAsSlowPath()
    {
        var lines = Plain.Concat(Other).Reverse().ToList();

        AssertSameAsSlowPath(lines, Route53QueryLogReaderOptions.Default);
    }

    [Fact]
    public void Sequence_AfterUsualLine()
    {
        var lines = Plain.Concat(Other).SelectMany(line => new[] { Usual, line, line }).ToList();

        AssertSameAsSlowPath(lines, Route53QueryLogReaderOptions.Default);
    }

    [Fact]
    public void Sequence_ValuesCut_SameRecordsAsSlowPath()
    {
        // Values over the string limit are cut, so two different VPC ids can give the same string.
        var options = Route53QueryLogReaderOptions.Default with { MaxStringLength = 24 };
        var lines = new List<string>
        {
            Usual,
            Usual.Replace("vpc-0a1b2c3d4e5f6bench", "vpc-0a1b2c3d4e5f6bencX", StringComparison.Ordinal),
            Usual.Replace("vpc-0a1b2c3d4e5f6bench", "vpc-0a1b2c3d4e5f6bencXYZ-longer", StringComparison.Ordinal),
            Usual.Replace("vpc-0a1b2c3d4e5f6bench", "vpc-0a1b2c3d4e5f6bencXYZ-other", StringComparison.Ordinal),
            Usual,
        };

        var records = AssertSameAsSlowPath(lines, options);

        Assert.Equal("vpc-0a1b2c3d4e5f6bencXYZ", records[2]!.VpcId);
        Assert.Equal("vpc-0a1b2c3d4e5f6bencXYZ", records[3]!.VpcId);
        Assert.Equal("vpc-0a1b2c3d4e5f6bench", records[4]!.VpcId);
    }

    [Fact]
    public void QuoteBitmap_StringsAcrossWordEnds()
    {
        // Padding of every length moves each quote of the line across the 64-byte words of the bitmap.
        var lines = Enumerable.Range(0, 140)
            .Select(length => Usual.Replace("{\"version\"", "{\"pad\":\"" + new string('x', length) + "\",\"version\"", StringComparison.Ordinal))
            .ToList();

        AssertSameAsSlowPath(lines, Route53QueryLogReaderOptions.Default, plain: lines);
    }

    [Fact]
    public void QuoteBitmap_StopByteAfterFirstWord()
    {
        // A byte outside printable ASCII or a backslash anywhere in a string leaves the line to the slow path.
        foreach (var stop in new[] { "\u0001", "\u007f", "é", "\\\\", "\\\"", "\t" })
        {
            for (var length = 60; length < 200; length += 7)
            {
                var line = Usual.Replace("}}", "},\"pad\":\"" + new string('x', length) + stop + "x\"}", StringComparison.Ordinal);

                var fast = Route53LineParser.TryParse(Encoding.UTF8.GetBytes(line), Route53Read.IngestTime, Route53QueryLogReaderOptions.Default);

                Assert.Null(fast);
            }
        }
    }

    [Fact]
    public void QuoteBitmap_TabBetweenTokens()
    {
        // A tab between tokens is JSON whitespace: the line is read without the bitmap, with the same record.
        var line = Usual.Replace(",\"transport\"", ",\t\"transport\"", StringComparison.Ordinal);

        AssertSameAsSlowPath([line], Route53QueryLogReaderOptions.Default, plain: [line]);
    }

    [Fact]
    public void QuoteBitmap_LongLine_ReadByteByByte()
    {
        // Lines over 4,096 bytes get no bitmap.
        var lines = new[] { 4000, 4100, 9000 }
            .Select(length => Usual.Replace("}}", "},\"pad\":\"" + new string('x', length) + "\"}", StringComparison.Ordinal))
            .ToList();

        AssertSameAsSlowPath(lines, Route53QueryLogReaderOptions.Default, plain: lines);
    }

    [Fact]
    public void UsualAnswers_EveryForm()
    {
        // Answers in the form the service writes take a shortcut. Each case checks it, or the member
        // loop that an unusual form falls back to, against the slow path.
        const string UsualAnswer = "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"}]";
        var answers = new[]
        {
            "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"},{\"Rdata\":\"192.0.2.73\",\"Type\":\"A\",\"Class\":\"IN\"}]",
            "[{\"Rdata\":\"192.0.2.072\",\"Type\":\"A\",\"Class\":\"IN\"}]",
            "[{\"Rdata\":\"web.example.com.\",\"Type\":\"CNAME\",\"Class\":\"IN\"},{\"Rdata\":\"2001:db8::1\",\"Type\":\"AAAA\",\"Class\":\"IN\"}]",
            "[{\"Rdata\":\"\",\"Type\":\"\",\"Class\":\"\"}]",
            "[{\"Rdata\":\"" + new string('r', 40) + "\",\"Type\":\"" + new string('t', 40) + "\",\"Class\":\"" + new string('c', 40) + "\"}]",
            "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\",\"ttl\":5}]",
            "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\" }]",
            "[{\"Rdata\":\"192.0.2.72\", \"Type\":\"PTR\",\"Class\":\"IN\"}]",
            "[{\"Rdata\":null,\"Type\":\"PTR\",\"Class\":\"IN\"}]",
            "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":null}]",
            "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Type\":\"A\",\"Class\":\"IN\"}]",
            "[{\"Rdata\":\"192.0.2.72\",\"Class\":\"IN\",\"Type\":\"PTR\"}]",
            "[{\"rdata\":\"192.0.2.72\",\"type\":\"PTR\",\"class\":\"IN\"}]",
            "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\"}]",
            "[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"},{}]",
        };

        foreach (var maxLength in new[] { 24, Route53QueryLogReaderOptions.Default.MaxStringLength })
        {
            var options = Route53QueryLogReaderOptions.Default with { MaxStringLength = maxLength };
            var lines = answers.Select(answer => Usual.Replace(UsualAnswer, answer, StringComparison.Ordinal)).ToList();
            Assert.All(lines, line => Assert.DoesNotContain(UsualAnswer, line, StringComparison.Ordinal));

            // Padding of several lengths moves the answers' quotes across the 64-byte words of the bitmap.
            var padded = lines.SelectMany(line => Enumerable.Range(0, 64).Select(length => line.Replace("{\"version\"", "{\"pad\":\"" + new string('x', length) + "\",\"version\"", StringComparison.Ordinal)));
            var sequence = lines.Concat(padded).SelectMany(line => new[] { Usual, line, line }).ToList();

            var records = AssertSameAsSlowPath(sequence, options, plain: sequence);

            Assert.Equal(["192.0.2.72", "192.0.2.73"], records[1]!.Answers.Select(answer => answer.Rdata));
            Assert.Equal(["PTR", "A"], records[1]!.Answers.Select(answer => answer.Type));
        }
    }

    [Fact]
    public async Task Reader_LinesAndSpreadRecords()
    {
        // One reader, so the lines share one memory; a record spread over lines sits between them.
        var spread = Usual.Replace(",", ",\n  ", StringComparison.Ordinal);
        var content = string.Join("\n", Plain.Take(10)) + "\n" + spread + "\n" + string.Join("\n", Plain.Skip(10).Concat(Other).Concat(Plain)) + "\n";

        var read = await Route53Read.TextAsync(content);

        var expected = Plain.Take(10).Append(spread).Concat(Plain.Skip(10)).Concat(Other).Concat(Plain)
            .Select(line => Route53RecordParser.Parse(Encoding.UTF8.GetBytes(line.Trim(' ', '\t')), Route53Read.IngestTime, Route53QueryLogReaderOptions.Default, out _))
            .OfType<DnsQueryRecord>()
            .ToList();
        Assert.Equal(expected.Count, read.Records.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSameRecord(expected[i], read.Records[i]);
        }
    }

    /// <summary>
    /// Parses <paramref name="lines"/> in order with one memory and checks each against the slow path:
    /// a line the slow path rejects gives null, and every line of <paramref name="plain"/> (by default
    /// those of <see cref="Plain"/>) is read by the fast parser. Returns the fast parser's records.
    /// </summary>
    private static List<DnsQueryRecord?> AssertSameAsSlowPath(IReadOnlyList<string> lines, Route53QueryLogReaderOptions options, IReadOnlyCollection<string>? plain = null)
    {
        plain ??= Plain;
        var memory = new Route53LineParser.LineMemory();
        var records = new List<DnsQueryRecord?>();
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var fast = Route53LineParser.TryParse(bytes, Route53Read.IngestTime, options, memory);
            var slow = Route53RecordParser.Parse(bytes.AsSpan().Trim(" \t"u8), Route53Read.IngestTime, options, out _);
            records.Add(fast);

            if (plain.Contains(line))
            {
                Assert.True(fast is not null, $"the fast parser left a plain line to the slow path: {line}");
            }

            if (slow is null)
            {
                Assert.True(fast is null, $"the fast parser read a line the slow path rejects: {line}");
            }
            else if (fast is not null)
            {
                AssertSameRecord(slow, fast);
            }
        }

        return records;
    }

    private static void AssertSameRecord(DnsQueryRecord expected, DnsQueryRecord actual)
    {
        Assert.Equal(expected.Answers, actual.Answers);
        Assert.Equal(expected.SourceIds, actual.SourceIds);
        Assert.Equal(expected with { Answers = [], SourceIds = null }, actual with { Answers = [], SourceIds = null });
    }
}
