using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion.Route53;

namespace Vigil.Tests.Route53;

/// <summary>
/// The reading of members in the service's order by fixed prefixes, against the member loop of the
/// same parser (the usual order turned off) and the <see cref="System.Text.Json.Utf8JsonReader"/> path.
/// Each line differs from the usual form at one member, so the member loop takes over at every point.
/// </summary>
public sealed class UsualOrderTests
{
    private const string Usual =
        """{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d4e5f6bench","query_timestamp":"2026-11-03T23:24:00Z","query_name":"updates173.example.net.","query_type":"PTR","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"192.0.2.72","Type":"PTR","Class":"IN"},{"Rdata":"192.0.2.73","Type":"PTR","Class":"IN"}],"srcaddr":"10.0.4.5","srcport":"41003","transport":"UDP","srcids":{"instance":"i-0c0000000000003e9"}}""";

    /// <summary>The members of <see cref="Usual"/> as written, in order.</summary>
    private static readonly string[] Members =
    [
        "\"version\":\"1.100000\"",
        "\"account_id\":\"111122223333\"",
        "\"region\":\"us-east-1\"",
        "\"vpc_id\":\"vpc-0a1b2c3d4e5f6bench\"",
        "\"query_timestamp\":\"2026-11-03T23:24:00Z\"",
        "\"query_name\":\"updates173.example.net.\"",
        "\"query_type\":\"PTR\"",
        "\"query_class\":\"IN\"",
        "\"rcode\":\"NOERROR\"",
        "\"answers\":[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"},{\"Rdata\":\"192.0.2.73\",\"Type\":\"PTR\",\"Class\":\"IN\"}]",
        "\"srcaddr\":\"10.0.4.5\"",
        "\"srcport\":\"41003\"",
        "\"transport\":\"UDP\"",
        "\"srcids\":{\"instance\":\"i-0c0000000000003e9\"}",
    ];

    [Fact]
    public void Members_AddUpToUsualLine()
    {
        Assert.Equal(Usual, "{" + string.Join(",", Members) + "}");
    }

    [Fact]
    public void UsualLine_ReadWhole()
    {
        var records = AssertSameAsMemberLoop([Usual, Usual], Route53QueryLogReaderOptions.Default);

        var record = records[1]!;
        Assert.Equal("updates173.example.net.", record.QueryName);
        Assert.Equal("updates173.example.net", record.NormalizedQueryName);
        Assert.Equal(["192.0.2.72", "192.0.2.73"], record.Answers.Select(answer => answer.Rdata));
        Assert.Equal("i-0c0000000000003e9", record.SourceIds!.Instance);
        Assert.Equal(41003, record.SourcePort);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 23, 24, 0, TimeSpan.Zero), record.QueryTimestamp);
    }

    [Fact]
    public void OneMemberChanged_EveryMember()
    {
        var lines = new List<string>();
        for (var index = 0; index < Members.Length; index++)
        {
            var member = Members[index];
            var name = member[..(member.IndexOf(':', StringComparison.Ordinal) + 1)];
            var value = member[name.Length..];
            foreach (var changed in new[]
            {
                " " + member,
                name + " " + value,
                member + " ",
                name + "null",
                name.ToUpperInvariant() + value,
                "\"\\u00" + ((int)name[1]).ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + name[2..] + value,
                member + ",\"extra\":{\"a\":[1,2,{\"b\":null}]}",
                "\"extra\":\"x\"," + member,
                member + "," + member,
                name + value.Replace("0", "\\u0030", StringComparison.Ordinal),
                name + value.Replace("e", "é", StringComparison.Ordinal),
                name + value.Replace("1", "\t", StringComparison.Ordinal),
                name + "1",
                name + "\"\"",
                name + "{}",
                name + "[]",
            })
            {
                lines.Add(Line(Members.Take(index).Append(changed).Concat(Members.Skip(index + 1))));
            }

            // Dropped, and moved to the end.
            lines.Add(Line(Members.Where((_, other) => other != index)));
            lines.Add(Line(Members.Where((_, other) => other != index).Append(member)));
        }

        AssertSameAsMemberLoop(lines.SelectMany(line => new[] { Usual, line, line }).ToList(), Route53QueryLogReaderOptions.Default);
    }

    [Fact]
    public void UnusualValues_ReadByMemberLoop()
    {
        var lines = new[]
        {
            Usual.Replace("\"2026-11-03T23:24:00Z\"", "\"2026-11-03T23:24:00.123Z\"", StringComparison.Ordinal),
            Usual.Replace("\"2026-11-03T23:24:00Z\"", "\"2026-13-03T23:24:00Z\"", StringComparison.Ordinal),
            Usual.Replace("\"updates173.example.net.\"", "\"UPDATES173.Example.NET.\"", StringComparison.Ordinal),
            Usual.Replace("\"updates173.example.net.\"", "\"xn--bcher-kva.example.\"", StringComparison.Ordinal),
            Usual.Replace("\"updates173.example.net.\"", "\"bücher.example.\"", StringComparison.Ordinal),
            Usual.Replace("\"updates173.example.net.\"", "\"\"", StringComparison.Ordinal),
            Usual.Replace("\"query_type\":\"PTR\"", "\"query_type\":\"TYPE65534\"", StringComparison.Ordinal),
            Usual.Replace("\"10.0.4.5\"", "\"10.0.4.05\"", StringComparison.Ordinal),
            Usual.Replace("\"10.0.4.5\"", "\"2001:db8::5\"", StringComparison.Ordinal),
            Usual.Replace("\"10.0.4.5\"", "\"\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "\"65535\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "\"65536\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "\"041003\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "\"0\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "\"\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "\"-1\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "\"4100a\"", StringComparison.Ordinal),
            Usual.Replace("\"41003\"", "41003", StringComparison.Ordinal),
            Usual.Replace("\"answers\":[{", "\"answers\":[ {", StringComparison.Ordinal),
            Usual.Replace("\"}]", "\"} ]", StringComparison.Ordinal),
            Usual.Replace("\"},{\"", "\"}, {\"", StringComparison.Ordinal),
            Usual.Replace("\"},{\"", "\"},null,{\"", StringComparison.Ordinal),
            Usual.Replace("\"},{\"", "\"}{\"", StringComparison.Ordinal),
            Usual.Replace("\"Class\":\"IN\"}]", "\"Class\":\"IN\"}", StringComparison.Ordinal),
            Usual.Replace("\"answers\":[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"},", "\"answers\":[", StringComparison.Ordinal),
            Usual.Replace("\"answers\":[{\"Rdata\":\"192.0.2.72\",\"Type\":\"PTR\",\"Class\":\"IN\"},{\"Rdata\":\"192.0.2.73\",\"Type\":\"PTR\",\"Class\":\"IN\"}]", "\"answers\":[]", StringComparison.Ordinal),
            Usual.Replace("{\"instance\":\"i-0c0000000000003e9\"}", "{\"instance\":\"i-0c0000000000003e9\",\"resolver_endpoint\":\"rslvr-in-1\"}", StringComparison.Ordinal),
            Usual.Replace("{\"instance\":\"i-0c0000000000003e9\"}", "{\"resolver_endpoint\":\"rslvr-in-1\",\"resolver_network_interface\":\"rni-1\"}", StringComparison.Ordinal),
            Usual.Replace("{\"instance\":\"i-0c0000000000003e9\"}", "{\"instance\":\"i-0c0000000000003e9\" }", StringComparison.Ordinal),
            Usual.Replace("{\"instance\":\"i-0c0000000000003e9\"}", "{}", StringComparison.Ordinal),
            Usual[..^1] + ",\"firewall_rule_group_id\":\"rslvr-frg-1\",\"firewall_rule_action\":\"BLOCK\",\"firewall_domain_list_id\":\"rslvr-fdl-1\"}",
            Usual[..^1] + ",\"version\":\"2\"}",
            Usual[..^1] + ",\"srcids\":null}",
            Usual[..^1] + "}",
            Usual[..^1] + "]",
            Usual[..^1] + " }",
            Usual + " \t ",
            Usual + ",",
            Usual + "{}",
            "{\"version\":\"1.100000\"}",
            "{\"version\":\"1.100000\"",
            "{\"version\":\"1.100000\",}",
            "{\"version\":\"1.100000\"]",
        };

        AssertSameAsMemberLoop(lines.SelectMany(line => new[] { Usual, line, line }).ToList(), Route53QueryLogReaderOptions.Default);
    }

    [Fact]
    public void LineCutAtEveryByte()
    {
        var lines = Enumerable.Range(0, Usual.Length).Select(length => Usual[..length]).ToList();

        var records = AssertSameAsMemberLoop(lines, Route53QueryLogReaderOptions.Default);

        Assert.All(records, Assert.Null);
    }

    [Fact]
    public void SmallLimits_SameAsMemberLoop()
    {
        var lines = new[] { Usual, Usual.Replace("vpc-0a1b2c3d4e5f6bench", "vpc-0a1b2c3d4e5f6bencX", StringComparison.Ordinal), Usual };
        foreach (var maxLength in new[] { 1, 5, 19, 20, 21, 24 })
        {
            AssertSameAsMemberLoop(lines, Route53QueryLogReaderOptions.Default with { MaxStringLength = maxLength });
        }

        foreach (var maxDepth in new[] { 1, 2, 3, 4, 5 })
        {
            AssertSameAsMemberLoop(lines, Route53QueryLogReaderOptions.Default with { MaxDepth = maxDepth });
        }
    }

    private static string Line(IEnumerable<string> members) => "{" + string.Join(",", members) + "}";

    /// <summary>
    /// Parses <paramref name="lines"/> in order twice, with and without the usual order, each with its
    /// own memory, and checks that both give the same record or both null, and the record of the slow
    /// path whenever the slow path accepts the line. Returns the records of the usual order.
    /// </summary>
    private static List<DnsQueryRecord?> AssertSameAsMemberLoop(IReadOnlyList<string> lines, Route53QueryLogReaderOptions options)
    {
        var usualMemory = new Route53LineParser.LineMemory();
        var loopMemory = new Route53LineParser.LineMemory();
        var records = new List<DnsQueryRecord?>();
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var usual = Route53LineParser.TryParse(bytes, Route53Read.IngestTime, options, usualMemory, readUsualOrder: true);
            var loop = Route53LineParser.TryParse(bytes, Route53Read.IngestTime, options, loopMemory, readUsualOrder: false);
            var slow = Route53RecordParser.Parse(bytes.AsSpan().Trim(" \t"u8), Route53Read.IngestTime, options, out _);
            records.Add(usual);

            Assert.True(usual is null == loop is null, $"only one of the two byte-level paths read the line: {line}");
            if (usual is not null)
            {
                AssertSameRecord(loop!, usual);
                Assert.True(slow is not null, $"the byte-level parser read a line the slow path rejects: {line}");
                AssertSameRecord(slow!, usual);
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
