using Vigil.Enrichment;

namespace Vigil.Tests.Enrichment;

public sealed class AwsIpRangesTests : IDisposable
{
    private const string Ranges = """
        {
          "syncToken": "1733000000",
          "createDate": "2024-12-01-00-00-00",
          "prefixes": [
            { "ip_prefix": "198.51.100.0/23", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1" },
            { "ip_prefix": "198.51.100.0/24", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1" },
            { "ip_prefix": "198.51.101.0/25", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1" },
            { "ip_prefix": "198.51.101.0/24", "region": "us-east-1", "service": "S3", "network_border_group": "us-east-1" },
            { "ip_prefix": "not-a-prefix", "region": "eu-west-1", "service": "EC2" },
            { "region": "eu-west-1", "service": "EC2" }
          ],
          "ipv6_prefixes": [
            { "ipv6_prefix": "2001:db8:aa00::/40", "region": "eu-west-1", "service": "EC2", "network_border_group": "eu-west-1" }
          ]
        }
        """;

    private readonly EnrichmentFiles files = new();

    [Fact]
    public void AwsRanges_MostSpecificService()
    {
        var errors = new List<EnrichmentError>();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AwsIpRangesFile = files.Write("ip-ranges.json", Ranges) }, errors);

        var ec2 = enricher.Enrich("198.51.100.20");
        var s3 = enricher.Enrich("198.51.101.20");
        var v6 = enricher.Enrich("2001:db8:aa12::1");
        var outside = enricher.Enrich("203.0.113.1");

        Assert.Equal("EC2", ec2.Aws?.Service);
        Assert.Equal("198.51.100.0/24", ec2.Aws?.Prefix);
        Assert.True(ec2.IsInsideAws);
        Assert.Equal("S3", s3.Aws?.Service);
        Assert.Equal("198.51.101.0/25", s3.Aws?.Prefix);
        Assert.Equal("eu-west-1", v6.Aws?.Region);
        Assert.Null(outside.Aws);
        Assert.False(outside.IsInsideAws);
    }

    [Fact]
    public void AwsRanges_BadEntriesNamedByPath()
    {
        var errors = new List<EnrichmentError>();
        using var enricher = IpEnricher.Load(new EnrichmentSettings { AwsIpRangesFile = files.Write("ip-ranges.json", Ranges) }, errors);

        Assert.Equal(2, errors.Count);
        Assert.Equal("prefixes[4].ip_prefix", errors[0].Location);
        Assert.Contains("not-a-prefix", errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal("prefixes[5].ip_prefix", errors[1].Location);
        Assert.Contains("missing", errors[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AwsRanges_InvalidJsonRejected()
    {
        var path = files.Write("ip-ranges.json", "{\n  \"prefixes\": [\n    { \"ip_prefix\": }\n  ]\n}");

        var error = Assert.Throws<EnrichmentFileException>(() => IpEnricher.Load(new EnrichmentSettings { AwsIpRangesFile = path }, []));

        Assert.Contains("not valid JSON (line 3)", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => files.Dispose();
}
