using System.Globalization;
using System.IO.Compression;
using System.Text;
using Vigil.Abstractions;
using Vigil.Cli.Replay;

namespace Vigil.EndToEnd.Tests;

/// <summary>Analyst feedback on endpoint anomaly findings through the endpoint grain: "not useful" teaches the profile.</summary>
public sealed class EndpointFeedbackTests : IAsyncLifetime
{
    private const string Tenant = "default";
    private const string Account = "111122223333";
    private const string Interface = "eni-0feedback0000001";
    private const string Local = "10.0.1.20";
    private const string Peer = "203.0.113.40";
    private const string Instance = "i-0feedback0000001";

    private static readonly DateTimeOffset Start = new(2024, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-endpoint-feedback-" + Guid.NewGuid().ToString("N"));
    private ReplaySilo? silo;

    public async Task InitializeAsync() => silo = await ReplaySilo.StartAsync(null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Feedback_ChecksTenantAndFinding()
    {
        for (var day = 0; day < 20; day++)
        {
            WriteFlows(day, 443);
        }

        WriteFlows(21, 8443);
        await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);
        var finding = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal("Behavior:EC2/NetworkPortUnusual", finding.Type);
        var endpoint = silo.Grains.GetGrain<IEndpointGrain>($"{Tenant}/{Account}/eni:{Interface}");

        var otherTenant = await Assert.ThrowsAsync<ArgumentException>(() => endpoint.MarkAnomalyNotUsefulAsync("tenant-b", finding.Id));
        var unknown = await endpoint.MarkAnomalyNotUsefulAsync(Tenant, "00000000000000000000000000000000");
        var taught = await endpoint.MarkAnomalyNotUsefulAsync(Tenant, finding.Id);
        var again = await endpoint.MarkAnomalyNotUsefulAsync(Tenant, finding.Id);

        Assert.Contains("tenant-b", otherTenant.Message, StringComparison.Ordinal);
        Assert.False(unknown);
        Assert.True(taught);
        Assert.False(again);

    }

    [Fact]
    public async Task Feedback_TaughtDomainsStopDgaRepeat()
    {
        var (finding, endpoint, generated) = await LearnThenRaiseDgaAsync();

        Assert.True(await endpoint.MarkAnomalyNotUsefulAsync(Tenant, finding.Id));
        WriteQueries(62, generated);
        var after = await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(0, after.FindingsRaised);
    }

    [Fact]
    public async Task Feedback_WithoutItDgaRepeats()
    {
        var (_, _, generated) = await LearnThenRaiseDgaAsync();

        // A domain queried on one day is rare, and the DGA rule counts rare domains, so the repeat raises.
        WriteQueries(62, generated);
        var after = await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.True(after.FindingsRaised > 0, $"expected DGA occurrences on the repeat, got {after.FindingsRaised}");
    }

    private async Task<(Contracts.Findings.Finding Finding, IEndpointGrain Endpoint, string[] Generated)> LearnThenRaiseDgaAsync()
    {
        var classifier = Detection.Dns.DgaClassifier.Default;
        Assert.NotNull(classifier);
        string[] generated = [.. Detection.Dns.DgaGenerators.Generate("md5-letters", new DateOnly(2024, 5, 22), 20)
            .Where(domain => classifier.Score(domain) >= Detection.Dns.DnsAnomalyOptions.Default.DgaThreshold).Take(3)];
        Assert.Equal(3, generated.Length);
        // Two months of history, so that a domain queried on one day is rare rather than infrequent.
        for (var day = 0; day < 60; day++)
        {
            WriteQueries(day, ["www.example.com", "api.example.org"]);
        }

        WriteQueries(61, generated);
        await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);
        var finding = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal("Trojan:EC2/DGADomainRequest.B", finding.Type);
        return (finding, silo.Grains.GetGrain<IEndpointGrain>($"{Tenant}/{Account}/instance:{Instance}"), generated);
    }

    /// <summary>Writes one Resolver query log file with a query of the instance for each name, a minute apart.</summary>
    private void WriteQueries(int day, IReadOnlyList<string> names)
    {
        var time = Start.AddDays(day);
        var text = new StringBuilder();
        for (var i = 0; i < names.Count; i++)
        {
            var query = new System.Text.Json.Nodes.JsonObject
            {
                ["version"] = "1.100000",
                ["account_id"] = Account,
                ["region"] = "us-east-1",
                ["vpc_id"] = "vpc-0feedback",
                ["query_timestamp"] = time.AddMinutes(i).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["query_name"] = names[i] + ".",
                ["query_type"] = "A",
                ["query_class"] = "IN",
                ["rcode"] = "NXDOMAIN",
                ["answers"] = new System.Text.Json.Nodes.JsonArray(),
                ["srcaddr"] = Local,
                ["srcport"] = "53211",
                ["transport"] = "UDP",
                ["srcids"] = new System.Text.Json.Nodes.JsonObject { ["instance"] = Instance },
            };
            text.Append(query.ToJsonString()).Append('\n');
        }

        var dated = Path.Combine(folder, "AWSLogs", Account, "vpcdnsquerylogs", "vpc-0feedback", time.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dated);
        var path = Path.Combine(dated, $"vpc-0feedback_vpcdnsquerylogs_{Account}_{time.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{day:x8}.log.gz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Writes one flow log file with a connection of the endpoint to <see cref="Peer"/> on the given port, and its reply.</summary>
    private void WriteFlows(int day, int port)
    {
        var time = Start.AddDays(day);
        var begin = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var end = (time.ToUnixTimeSeconds() + 30).ToString(CultureInfo.InvariantCulture);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
            .Append(CultureInfo.InvariantCulture, $"2 {Account} {Interface} {Local} {Peer} 50000 {portText} 6 10 4000 {begin} {end} ACCEPT OK\n")
            .Append(CultureInfo.InvariantCulture, $"2 {Account} {Interface} {Peer} {Local} {portText} 50000 6 12 9000 {begin} {end} ACCEPT OK\n");
        var dated = Path.Combine(folder, "AWSLogs", Account, "vpcflowlogs", "us-east-1", time.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dated);
        var path = Path.Combine(dated, $"{Account}_vpcflowlogs_us-east-1_fl-0feedback_{time.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{day:x8}.log.gz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
