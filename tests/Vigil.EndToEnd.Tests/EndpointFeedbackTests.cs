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
    public async Task Feedback_NotUsefulTeachesEndpoint()
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

        WriteFlows(22, 8443);
        var after = await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(0, after.FindingsRaised);
        Assert.Equal(1, Assert.Single(silo.Findings.Snapshot(Tenant)).Service.Count);
    }

    [Fact]
    public async Task Feedback_WithoutItNewPortRaisesAgain()
    {
        for (var day = 0; day < 20; day++)
        {
            WriteFlows(day, 443);
        }

        WriteFlows(21, 8443);
        await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        // One day of use leaves the port rare, not expected, so without feedback the next new port raises too.
        WriteFlows(22, 9443);
        var after = await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(1, after.FindingsRaised);
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
