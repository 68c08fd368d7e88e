using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Dns;
using Vigil.Detection.Endpoints;
using Vigil.Detection.Profiles;
using Vigil.Ingestion.ThreatLists;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Endpoints;

/// <summary>The DNS model types of <see cref="DnsAnomalyDetector"/> with the shipped DGA model, each with a raising case and a near miss.</summary>
public sealed class DnsAnomalyDetectorTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 20, 10, 0, 0, TimeSpan.Zero);

    private static readonly DetectionContext Empty = Context([]);

    private readonly EndpointProfile profile = new(ProfileOptions.Default);
    private readonly DnsWindowState windows = new();

    [Fact]
    public void ShippedModel_Loads()
    {
        var classifier = DgaClassifier.Default;

        Assert.NotNull(classifier);
        Assert.True(classifier.Score("xjw3kq9vbz7plm2t.ru") > classifier.Score("wikipedia.org"));
    }

    [Fact]
    public void ManyEncodedSubdomains_RaiseDnsDataExfiltration()
    {
        var queries = Enumerable.Range(0, 60).Select(i => At(Query($"{Encoded(i)}.{Encoded(i + 1000)[..12]}.tunnel-example.com"), i));

        var finding = Assert.Single(Run([.. queries]), item => item.Type == "Trojan:EC2/DNSDataExfiltration");

        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("tunnel-example.com", finding.Service.AdditionalInfo?["tunnel.registrableDomain"]);
        Assert.Equal([50L], finding.Service.Detection?.Anomaly?.Unusual.Behavior["ENDPOINT"]["UNIQUE_SUBDOMAINS"].Observations.Number);
    }

    [Fact]
    public void FortyNineEncodedSubdomains_RaiseNothing()
    {
        var queries = Enumerable.Range(0, 49).Select(i => At(Query($"{Encoded(i)}.{Encoded(i + 1000)[..12]}.tunnel-example.com"), i));

        Assert.DoesNotContain(Run([.. queries]), item => item.Type == "Trojan:EC2/DNSDataExfiltration");
    }

    [Fact]
    public void ManyShortSubdomains_RaiseNothing()
    {
        // Host names of a content network: many distinct names, but short and of low entropy.
        var queries = Enumerable.Range(0, 200).Select(i => At(Query($"e{i}.dscb.cdn-example.net"), i));

        Assert.DoesNotContain(Run([.. queries]), item => item.Type == "Trojan:EC2/DNSDataExfiltration");
    }

    [Fact]
    public void EncodedSubdomainsAcrossWindows_RaiseNothing()
    {
        var first = Enumerable.Range(0, 30).Select(i => At(Query($"{Encoded(i)}.{Encoded(i + 1000)[..12]}.tunnel-example.com"), i));
        var second = Enumerable.Range(30, 30).Select(i => At(Query($"{Encoded(i)}.{Encoded(i + 1000)[..12]}.tunnel-example.com"), 3_600 + i));

        Assert.DoesNotContain(Run([.. first, .. second]), item => item.Type == "Trojan:EC2/DNSDataExfiltration");
    }

    [Fact]
    public void GeneratedDomains_RaiseDga()
    {
        var domains = DgaGenerators.Generate("md5-letters", new DateOnly(2030, 1, 1), 40)
            .Where(name => DgaClassifier.Default!.Score(DomainNames.RegistrableDomain(name)) >= DnsAnomalyOptions.Default.DgaThreshold)
            .Take(3)
            .ToList();
        Assert.Equal(3, domains.Count);

        var findings = Run([.. domains.Select((name, i) => At(Query(name), i))]);

        var finding = Assert.Single(findings, item => item.Type == "Trojan:EC2/DGADomainRequest.B");
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal(2, finding.Service.Count);
        Assert.Equal(domains, finding.Service.Detection?.Anomaly?.Unusual.Behavior["ENDPOINT"]["DOMAIN"].Observations.Text);
    }

    [Fact]
    public void OneGeneratedDomain_RaisesNoDga()
    {
        var name = DgaGenerators.Generate("md5-letters", new DateOnly(2030, 1, 1), 40).First(item => DgaClassifier.Default!.Score(DomainNames.RegistrableDomain(item)) >= DnsAnomalyOptions.Default.DgaThreshold);

        Assert.DoesNotContain(Run(At(Query(name), 0)), item => item.Type == "Trojan:EC2/DGADomainRequest.B");
    }

    [Fact]
    public void DictionaryDomains_RaiseNoDga()
    {
        string[] names = ["wikipedia.org", "github.com", "ubuntu.com", "debian.org", "microsoft.com", "python.org"];

        Assert.DoesNotContain(Run([.. names.Select((name, i) => At(Query(name), i))]), item => item.Type == "Trojan:EC2/DGADomainRequest.B");
    }

    [Fact]
    public void DynamicDnsName_RaisesAbused()
    {
        var finding = Assert.Single(Run(At(Query("update-check.duckdns.org"), 0)));

        Assert.Equal("Impact:EC2/AbusedDomainRequest.Reputation", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Contains("duckdns.org", finding.Service.AdditionalInfo?["reputation.reasons"]);
    }

    [Fact]
    public void KnownDynamicDnsName_RaisesNothing()
    {
        var query = Query("update-check.duckdns.org");
        for (var day = 0; day < 10; day++)
        {
            Run(At(query, -86_400 * (20 - day)));
        }

        Assert.Empty(Run(At(query, 0)));
    }

    [Fact]
    public void MiningPoolName_RaisesBitcoin()
    {
        var finding = Assert.Single(Run(At(Query("eu1.supportxmr-example.com"), 0)));

        Assert.Equal("Impact:EC2/BitcoinDomainRequest.Reputation", finding.Type);
        Assert.Equal(8.0, finding.Severity);
    }

    [Fact]
    public void ListedAnswer_RaisesMalicious()
    {
        var context = Context([("c2", ThreatPurpose.CommandAndControl, "198.51.100.66\n")]);

        var finding = Assert.Single(new DnsAnomalyDetector(DgaClassifier.Default, DnsAnomalyOptions.Default)
            .Inspect([At(Query("cdn-assets-example.com", "198.51.100.66"), 0)], "endpoint", context, profile, windows));

        Assert.Equal("Impact:EC2/MaliciousDomainRequest.Reputation", finding.Type);
        Assert.Equal(8.0, finding.Severity);
    }

    [Fact]
    public void UnlistedAnswer_RaisesNothing()
    {
        var context = Context([("c2", ThreatPurpose.CommandAndControl, "198.51.100.66\n")]);

        Assert.Empty(new DnsAnomalyDetector(DgaClassifier.Default, DnsAnomalyOptions.Default)
            .Inspect([At(Query("cdn-assets-example.com", "198.51.100.67"), 0)], "endpoint", context, profile, windows));
    }

    [Fact]
    public void GeneratedNameOnAbusedTld_RaisesSuspicious()
    {
        // Abused TLD (0.25), generated (0.35 x p >= 0.31) and a label of 20 or more characters (0.10) reach 0.65.
        var name = DgaGenerators.Generate("md5-letters", new DateOnly(2030, 1, 1), 200)
            .Select(item => item[..item.IndexOf('.', StringComparison.Ordinal)] + ".xyz")
            .First(item => item.Length >= 24 && DgaClassifier.Default!.Score(item) >= DnsAnomalyOptions.Default.DgaThreshold);

        var finding = Assert.Single(Run(At(Query(name), 0)), item => item.Type.EndsWith(".Reputation", StringComparison.Ordinal));

        Assert.Equal("Impact:EC2/SuspiciousDomainRequest.Reputation", finding.Type);
        Assert.Equal(2.0, finding.Severity);
    }

    [Fact]
    public void OrdinaryName_RaisesNoReputation()
    {
        Assert.Empty(Run(At(Query("docs.example-shop.com"), 0)));
    }

    [Fact]
    public void AwsNames_AreSkipped()
    {
        var queries = Enumerable.Range(0, 80).Select(i => At(Query($"ec2-{Encoded(i)[..20]}.compute-1.amazonaws.com"), i));

        Assert.Empty(Run([.. queries]));
        Assert.Equal(0, profile.CountOf(EndpointDimension.Domain));
    }

    [Theory]
    [InlineData("www.example.co.uk", "example.co.uk")]
    [InlineData("a.b.example.com", "example.com")]
    [InlineData("host.duckdns.org", "host.duckdns.org")]
    [InlineData("x.host.duckdns.org", "host.duckdns.org")]
    [InlineData("localhost", "localhost")]
    public void RegistrableDomain_UsesKnownSuffixes(string name, string expected)
    {
        Assert.Equal(expected, DomainNames.RegistrableDomain(name));
    }

    private IReadOnlyList<Finding> Run(params DnsQueryRecord[] queries) => DnsAnomalyDetector.Default.Inspect(queries, "endpoint", Empty, profile, windows);

    private static DnsQueryRecord At(DnsQueryRecord query, int seconds) => query with { QueryTimestamp = Start.AddSeconds(seconds) };

    /// <summary>Returns a 32-character base32 text of the SHA-256 of a number, like a tunnel's encoded data.</summary>
    private static string Encoded(int number)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var hash = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(number));
        return new string([.. hash.Take(32).Select(item => alphabet[item % 32])]);
    }
}
