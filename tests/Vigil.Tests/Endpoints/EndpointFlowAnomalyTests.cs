using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Endpoints;
using Vigil.Detection.Profiles;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Endpoints;

/// <summary>
/// The flow anomaly types of <see cref="EndpointFlowAnomalyDetector"/>: each raises on a departure from
/// 20 days of learned routine, and stays quiet for a near miss.
/// </summary>
public sealed class EndpointFlowAnomalyTests
{
    private const string Web = "203.0.113.80";
    private const string Resolver = "203.0.113.53";
    private const string Stranger = "198.51.100.77";

    /// <summary>Day 0 of the routine; the tests act on day 20, after the 14-day learning period.</summary>
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset After = Start.AddDays(20);

    private static readonly DetectionContext Empty = Context([]);

    private readonly EndpointProfile profile = new(ProfileOptions.Default);

    [Fact]
    public void NewPort_RaisesNetworkPortUnusual()
    {
        Learn();

        var finding = Assert.Single(Run(Flow(Local, 41000, Stranger, 6667, time: After)));

        Assert.Equal("Behavior:EC2/NetworkPortUnusual", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        var anomaly = finding.Service.Detection?.Anomaly;
        Assert.NotNull(anomaly);
        Assert.Equal(["tcp/6667"], anomaly.Unusual.Behavior["ENDPOINT"]["REMOTE_PORT"].Observations.Text);
        Assert.Equal("UNSEEN", anomaly.Unusual.Behavior["ENDPOINT"]["REMOTE_PORT"].ProfileSubtype);
        Assert.Contains("tcp/443", anomaly.Profiles["ENDPOINT"]["REMOTE_PORT"].SelectMany(item => item.Observations.Text ?? []));
    }

    [Theory]
    [InlineData(389)]
    [InlineData(1389)]
    public void LdapCallbackPort_RaisesHigh(int port)
    {
        Learn();

        var finding = Assert.Single(Run(Flow(Local, 41000, Stranger, port, time: After)));

        Assert.Equal("Behavior:EC2/NetworkPortUnusual", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("Possible log4j callback", finding.Service.AdditionalInfo?["context"]);
    }

    [Fact]
    public void LearnedPort_RaisesNothing()
    {
        Learn();

        Assert.Empty(Run(Flow(Local, 41000, Stranger, 443, time: After)));
    }

    [Fact]
    public void NewPortWhileLearning_RaisesNothing()
    {
        Learn(days: 10);

        Assert.Empty(Run(Flow(Local, 41000, Stranger, 6667, time: Start.AddDays(10))));
    }

    [Fact]
    public void InboundToNewPort_RaisesNothing()
    {
        Learn();

        // The remote side opened the connection (SYN from the remote source), so the port is the instance's own.
        Assert.Empty(Run(Flow(Stranger, 41000, Local, 6667, time: After, tcpFlags: 2)));
    }

    [Fact]
    public void FirstPort25_RaisesSpambot()
    {
        Learn();

        var finding = Assert.Single(Run(Flow(Local, 41000, Stranger, 25, time: After)));

        Assert.Equal("Backdoor:EC2/Spambot", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal(["tcp/25"], finding.Service.Detection?.Anomaly?.Unusual.Behavior["ENDPOINT"]["REMOTE_PORT"].Observations.Text);
    }

    [Fact]
    public void UsualPort25_RaisesNothing()
    {
        Learn(extra: time => [Flow(Local, 40025, "203.0.113.25", 25, time: time)]);

        Assert.Empty(Run(Flow(Local, 41000, Stranger, 25, time: After)));
    }

    [Fact]
    public void NewPublicResolver_RaisesUnusualDnsResolver()
    {
        Learn();

        var finding = Assert.Single(Run(Flow(Local, 41000, "198.51.100.53", 53, protocol: 17, time: After)));

        Assert.Equal("DefenseEvasion:EC2/UnusualDNSResolver", finding.Type);
        Assert.Equal(["198.51.100.53"], finding.Service.Detection?.Anomaly?.Unusual.Behavior["ENDPOINT"]["DNS_RESOLVER"].Observations.Text);
        Assert.Contains(Resolver, finding.Service.Detection!.Anomaly!.Profiles["ENDPOINT"]["DNS_RESOLVER"].SelectMany(item => item.Observations.Text ?? []));
    }

    [Fact]
    public void LearnedResolver_RaisesNothing()
    {
        Learn();

        Assert.Empty(Run(Flow(Local, 41000, Resolver, 53, protocol: 17, time: After)));
    }

    [Fact]
    public void PrivateResolver_RaisesNothing()
    {
        Learn();

        // Both sides private: the VPC resolver or an internal DNS server is not profiled.
        Assert.Empty(Run(Flow(Local, 41000, "10.0.0.2", 53, protocol: 17, time: After)));
    }

    [Fact]
    public void NewDohServer_RaisesUnusualDoh()
    {
        Learn();

        var finding = Assert.Single(Run(Flow(Local, 41000, "1.1.1.1", 443, time: After)));

        Assert.Equal("DefenseEvasion:EC2/UnusualDoHActivity", finding.Type);
        Assert.Equal("Cloudflare", finding.Service.AdditionalInfo?["dohProvider"]);
        Assert.Equal(["1.1.1.1"], finding.Service.Detection?.Anomaly?.Unusual.Behavior["ENDPOINT"]["DOH_SERVER"].Observations.Text);
    }

    [Fact]
    public void LearnedDohServer_RaisesNothing()
    {
        Learn(extra: time => [Flow(Local, 40443, "8.8.8.8", 443, time: time)]);

        Assert.Empty(Run(Flow(Local, 41000, "8.8.8.8", 443, time: After)));
    }

    [Fact]
    public void NewDotServer_RaisesUnusualDot()
    {
        Learn();

        var finding = Assert.Single(Run(Flow(Local, 41000, "9.9.9.9", 853, time: After)));

        Assert.Equal("DefenseEvasion:EC2/UnusualDoTActivity", finding.Type);
        Assert.Equal(["9.9.9.9"], finding.Service.Detection?.Anomaly?.Unusual.Behavior["ENDPOINT"]["DOT_SERVER"].Observations.Text);
    }

    [Fact]
    public void LearnedDotServer_RaisesNothing()
    {
        Learn(extra: time => [Flow(Local, 40853, "9.9.9.9", 853, time: time)]);

        Assert.Empty(Run(Flow(Local, 41000, "9.9.9.9", 853, time: After)));
    }

    [Fact]
    public void LargeUpload_RaisesTrafficVolumeUnusual()
    {
        Learn();

        // 2,000,000 packets of 60 bytes: 120 MB to a peer, against 60 KB a day before.
        var finding = Assert.Single(Run(Flow(Local, 41000, Web, 443, packets: 2_000_000, time: After)));

        Assert.Equal("Behavior:EC2/TrafficVolumeUnusual", finding.Type);
        var anomaly = finding.Service.Detection?.Anomaly;
        Assert.NotNull(anomaly);
        Assert.Equal([120_000_000L], anomaly.Unusual.Behavior["ENDPOINT"]["BYTES_PER_PEER_DAY"].Observations.Number);
        Assert.Equal("VOLUME", anomaly.Unusual.Behavior["ENDPOINT"]["BYTES_PER_PEER_DAY"].ProfileType);
        // The largest peer-day was 60 KB a day ago, decayed with the 30-day half-life.
        var maximum = Assert.Single(anomaly.Profiles["ENDPOINT"]["BYTES_PER_PEER_DAY"], item => item.ProfileSubtype == "MAXIMUM");
        Assert.InRange(maximum.Observations.Number![0], 58_000, 60_000);
    }

    [Fact]
    public void UploadBelowMinimum_RaisesNothing()
    {
        Learn();

        // 90 MB: far above the baseline, but below the 100 MB minimum.
        Assert.Empty(Run(Flow(Local, 41000, Web, 443, packets: 1_500_000, time: After)));
    }

    [Fact]
    public void UploadWithinThreeTimesMaximum_RaisesNothing()
    {
        // A daily backup of 48 MB to one peer; 120 MB is 2.5 times that.
        Learn(extra: time => [Flow(Local, 40100, "203.0.113.90", 443, packets: 800_000, time: time)]);

        Assert.Empty(Run(Flow(Local, 41000, "203.0.113.90", 443, packets: 2_000_000, time: After)));
    }

    [Fact]
    public void LargeUploadSplitOverFlows_RaisesOnce()
    {
        Learn();

        var flows = Enumerable.Range(0, 40).Select(i => Flow(Local, 41000 + i, Web, 443, packets: 100_000, time: After.AddMinutes(i)));

        var finding = Assert.Single(Run([.. flows]));

        Assert.Equal("Behavior:EC2/TrafficVolumeUnusual", finding.Type);
        Assert.Equal(1, finding.Service.Count);
    }

    [Fact]
    public void RegularConnections_RaiseBeaconing()
    {
        Learn();
        var random = new Random(5);
        var flows = Enumerable.Range(0, 24)
            .Select(i => Flow(Local, 42000 + i, Stranger, 443, packets: 20 + random.Next(0, 2), time: After.AddSeconds((i * 300) + random.Next(-30, 30))))
            .ToArray();

        var finding = Assert.Single(Run(flows));

        Assert.Equal("Backdoor:EC2/Beaconing.Flow", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        var interval = finding.Service.Detection?.Anomaly?.Unusual.Behavior["ENDPOINT"]["CONNECTION_INTERVAL"].Observations.Number?[0];
        Assert.InRange(interval ?? 0, 270, 330);
        Assert.Equal(Stranger, finding.Service.Action.NetworkConnectionAction?.RemoteIpDetails?.IpAddressV4);
    }

    [Fact]
    public void RandomConnections_RaiseNoBeaconing()
    {
        Learn();
        var random = new Random(5);
        var time = After;
        var flows = new List<FlowRecord>();
        for (var i = 0; i < 24; i++)
        {
            // Exponential gaps with a 300-second mean and sizes that vary tenfold.
            time = time.AddSeconds(-300 * Math.Log(1 - random.NextDouble()));
            flows.Add(Flow(Local, 42000 + i, Stranger, 443, packets: random.Next(5, 50), time: time));
        }

        Assert.Empty(Run([.. flows]));
    }

    [Fact]
    public void BeaconLearnedDuringLearning_RaisesNothing()
    {
        // The same regular peer was already polled every day while the profile learned.
        Learn(extra: time => [.. Enumerable.Range(0, 3).Select(i => Flow(Local, 43000 + i, Stranger, 443, packets: 20, time: time.AddMinutes(i * 5)))]);
        var flows = Enumerable.Range(0, 24).Select(i => Flow(Local, 42000 + i, Stranger, 443, packets: 20, time: After.AddSeconds(i * 300))).ToArray();

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void LongLivedConnection_RaisesNoBeaconing()
    {
        Learn();

        // One connection (one local port) logged once per aggregation interval is not a series of connections.
        var flows = Enumerable.Range(0, 24).Select(i => Flow(Local, 42000, Stranger, 443, packets: 20, time: After.AddSeconds(i * 60))).ToArray();

        Assert.Empty(Run(flows));
    }

    [Fact]
    public void TrustedPeer_RaisesNothing()
    {
        Learn();
        var context = Context([], tenantTrusted: Stranger + "\n");

        Assert.Empty(EndpointFlowAnomalyDetector.Inspect([Flow(Local, 41000, Stranger, 6667, time: After)], "endpoint", context, profile));
    }

    private IReadOnlyList<Finding> Run(params FlowRecord[] records) => EndpointFlowAnomalyDetector.Inspect(records, "endpoint", Empty, profile);

    /// <summary>Counts <paramref name="days"/> days of routine: HTTPS to one peer and DNS to one public resolver, plus <paramref name="extra"/>.</summary>
    private void Learn(int days = 20, Func<DateTimeOffset, IEnumerable<FlowRecord>>? extra = null)
    {
        for (var day = 0; day < days; day++)
        {
            var time = Start.AddDays(day);
            var flows = new List<FlowRecord>
            {
                Flow(Local, 40000, Web, 443, packets: 1_000, time: time),
                Flow(Local, 40001, Resolver, 53, protocol: 17, packets: 2, time: time),
            };
            flows.AddRange(extra?.Invoke(time) ?? []);
            Assert.Empty(EndpointFlowAnomalyDetector.Inspect(flows, "endpoint", Empty, profile));
        }
    }
}
