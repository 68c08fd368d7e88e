using Vigil.Contracts.Events;

namespace Vigil.Tests.Route53;

public sealed class ReaderFieldTests
{
    [Fact]
    public async Task Read_AllFields_ReadsEveryRecord()
    {
        var read = await Route53Read.FixtureAsync("all-fields.log");

        Assert.Equal(3, read.Records.Count);
        Assert.Empty(read.Rejections);
        Assert.Equal(3, read.Summary.Lines);
        Assert.Equal(3, read.Summary.RecordsRead);
        Assert.Equal(0, read.Summary.RecordsRejected);
    }

    [Fact]
    public async Task Read_InstanceQuery_ReadsTopLevelFields()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[0];

        Assert.Equal("1.100000", record.Version);
        Assert.Equal("111122223333", record.AccountId);
        Assert.Equal("eu-west-1", record.Region);
        Assert.Equal("vpc-0a1b2c3d4e5f60718", record.VpcId);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 1, TimeSpan.Zero), record.QueryTimestamp);
        Assert.Equal(TimeSpan.Zero, record.QueryTimestamp.Offset);
        Assert.Equal(Route53Read.IngestTime, record.IngestTime);
        Assert.Equal("www.example.com.", record.QueryName);
        Assert.Equal("www.example.com", record.NormalizedQueryName);
        Assert.True(record.IsQueryNameValid);
        Assert.Equal("A", record.QueryType);
        Assert.Equal("IN", record.QueryClass);
        Assert.Equal("NOERROR", record.Rcode);
        Assert.Equal("198.51.100.20", record.SourceAddress);
        Assert.Equal("UDP", record.Transport);
    }

    [Fact]
    public async Task Read_InstanceQuery_ReadsAnswersInOrder()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[0];

        Assert.Equal(2, record.Answers.Count);
        Assert.Equal(new DnsAnswer("web.example.com.", "CNAME", "IN"), record.Answers[0]);
        Assert.Equal(new DnsAnswer("203.0.113.10", "A", "IN"), record.Answers[1]);
    }

    [Fact]
    public async Task Read_InstanceQuery_ReadsInstanceSourceId()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[0];

        Assert.NotNull(record.SourceIds);
        Assert.Equal("i-0a1b2c3d4e5f60718", record.SourceIds.Instance);
        Assert.Null(record.SourceIds.ResolverEndpoint);
        Assert.Null(record.SourceIds.ResolverNetworkInterface);
    }

    [Fact]
    public async Task Read_PortAsString_GivesNumber()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[0];

        Assert.Equal(53211, record.SourcePort);
    }

    [Fact]
    public async Task Read_PortAsNumber_GivesNumber()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[1];

        Assert.Equal(15083, record.SourcePort);
    }

    [Fact]
    public async Task Read_FirewallBlock_ReadsFirewallFields()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[1];

        Assert.Equal("rslvr-frg-0a1b2c3d4e5f6071", record.FirewallRuleGroupId);
        Assert.Equal("BLOCK", record.FirewallRuleAction);
        Assert.Equal("rslvr-fdl-0a1b2c3d4e5f6071", record.FirewallDomainListId);
    }

    [Fact]
    public async Task Read_ResolverEndpointQuery_ReadsEndpointSourceIds()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[1];

        Assert.NotNull(record.SourceIds);
        Assert.Null(record.SourceIds.Instance);
        Assert.Equal("rslvr-in-0a1b2c3d4e5f60718", record.SourceIds.ResolverEndpoint);
        Assert.Equal("rni-0a1b2c3d4e5f60718", record.SourceIds.ResolverNetworkInterface);
        Assert.Equal("2001:db8::20", record.SourceAddress);
        Assert.Equal("TCP", record.Transport);
    }

    [Fact]
    public async Task Read_UnknownQueryType_KeptAsGiven()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[1];

        Assert.Equal("TYPE65", record.QueryType);
        Assert.Empty(record.Answers);
    }

    [Fact]
    public async Task Read_FractionalTimestamp_KeepsMilliseconds()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[1];

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 2, 250, TimeSpan.Zero), record.QueryTimestamp);
    }

    [Fact]
    public async Task Read_EmptySourceIds_GivesEmptyObject()
    {
        var record = (await Route53Read.FixtureAsync("all-fields.log")).Records[2];

        Assert.NotNull(record.SourceIds);
        Assert.Null(record.SourceIds.Instance);
        Assert.Equal("NXDOMAIN", record.Rcode);
        Assert.Null(record.FirewallRuleAction);
    }

    [Fact]
    public async Task Read_MinimalRecord_LeavesOptionalFieldsNull()
    {
        var read = await Route53Read.TextAsync("""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com."}""");

        var record = Assert.Single(read.Records);
        Assert.Null(record.Version);
        Assert.Null(record.AccountId);
        Assert.Null(record.QueryType);
        Assert.Null(record.SourcePort);
        Assert.Null(record.SourceIds);
        Assert.Empty(record.Answers);
    }

    [Fact]
    public async Task Read_DocumentedAnswerNames_AreRead()
    {
        var read = await Route53Read.TextAsync(
            """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","answers":[{"rdata":"203.0.113.7","answer_type":"A","answer_class":"IN"}]}""");

        var record = Assert.Single(read.Records);
        Assert.Equal(new DnsAnswer("203.0.113.7", "A", "IN"), Assert.Single(record.Answers));
    }

    [Fact]
    public async Task Read_NullFields_GiveNull()
    {
        var read = await Route53Read.TextAsync(
            """{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","version":null,"srcport":null,"answers":null,"srcids":null}""");

        var record = Assert.Single(read.Records);
        Assert.Null(record.Version);
        Assert.Null(record.SourcePort);
        Assert.Empty(record.Answers);
        Assert.Null(record.SourceIds);
    }

    [Fact]
    public async Task Read_TimestampWithOffset_ConvertedToUtc()
    {
        var read = await Route53Read.TextAsync("""{"query_timestamp":"2024-05-01T12:00:01+02:00","query_name":"a.example.com."}""");

        var record = Assert.Single(read.Records);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 1, TimeSpan.Zero), record.QueryTimestamp);
        Assert.Equal(TimeSpan.Zero, record.QueryTimestamp.Offset);
    }

    [Fact]
    public async Task Read_LongString_CutToLimit()
    {
        var rdata = new string('t', 100);
        var options = new Vigil.Ingestion.Route53.Route53QueryLogReaderOptions { MaxStringLength = 40 };

        var read = await Route53Read.TextAsync(
            $$"""{"query_timestamp":"2024-05-01T10:00:01Z","query_name":"a.example.com.","query_type":"TXT","answers":[{"Rdata":"{{rdata}}","Type":"TXT","Class":"IN"}]}""",
            options);

        var record = Assert.Single(read.Records);
        Assert.Equal(rdata[..40], Assert.Single(record.Answers).Rdata);
    }
}
