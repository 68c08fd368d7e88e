using System.Diagnostics;
using System.Globalization;
using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Detection.Dns;
using Vigil.Detection.Endpoints;
using Vigil.Detection.Intel;
using Vigil.Detection.Profiles;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The endpoint half of <c>vigil bench profiles</c>: simulates one instance's flow records and DNS
/// queries over days of event time, scores them in chunks as the endpoint grain does, and reports
/// the profile's size (serialised and in memory) and the records scored per second.
/// </summary>
internal static class EndpointProfileBenchmark
{
    /// <summary>Target of an endpoint's serialised profile after a month, in bytes.</summary>
    public const int EndpointTargetBytes = 16 * 1024;

    private const int ChunkSize = 500;

    private static readonly (int Port, int Protocol)[] Ports = [(443, 6), (443, 6), (443, 6), (80, 6), (123, 17), (22, 6), (5432, 6), (8443, 6)];

    public static void Run(int days, int flowsPerDay, int peerCount, int seed, TextWriter output)
    {
        var random = new Random(seed);
        var profile = new EndpointProfile(ProfileOptions.Default);
        var windows = new DnsWindowState();
        var context = new DetectionContext("bench", ThreatIntelSnapshot.Empty, TimeProvider.System);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var queriesPerDay = Math.Max(1, flowsPerDay / 4);
        var flows = new List<FlowRecord>(ChunkSize);
        var queries = new List<DnsQueryRecord>(ChunkSize);
        var scored = 0L;
        var findings = 0;
        var elapsed = TimeSpan.Zero;
        for (var day = 0; day < days; day++)
        {
            var dayStart = start.AddDays(day);
            for (var index = 0; index < flowsPerDay; index++)
            {
                flows.Add(FlowOf(random, dayStart.AddSeconds(86_400.0 * index / flowsPerDay), peerCount));
                if (flows.Count == ChunkSize)
                {
                    (findings, elapsed, scored) = Score(flows, queries, profile, windows, context, findings, elapsed, scored);
                }
            }

            for (var index = 0; index < queriesPerDay; index++)
            {
                queries.Add(QueryOf(random, dayStart.AddSeconds(86_400.0 * index / queriesPerDay)));
                if (queries.Count == ChunkSize)
                {
                    (findings, elapsed, scored) = Score(flows, queries, profile, windows, context, findings, elapsed, scored);
                }
            }
        }

        (findings, elapsed, scored) = Score(flows, queries, profile, windows, context, findings, elapsed, scored);
        profile.Prune(start.AddDays(days));
        var serialised = profile.Serialize();
        var inMemory = ProfileBenchmark.RetainedBytes(() => EndpointProfile.Deserialize(serialised, ProfileOptions.Default));
        var perSecond = scored / Math.Max(elapsed.TotalSeconds, 1e-9);

        output.WriteLine($"Endpoint simulated: {days} days, {flowsPerDay.ToString("N0", CultureInfo.InvariantCulture)} flows and {queriesPerDay.ToString("N0", CultureInfo.InvariantCulture)} DNS queries a day, {peerCount.ToString("N0", CultureInfo.InvariantCulture)} peers, seed {seed}; {findings} findings");
        output.WriteLine($"Endpoint profile serialised: {serialised.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes ({profile.CountOf(EndpointDimension.Peer)} peers, {profile.CountOf(EndpointDimension.Domain)} domains, {profile.TimedPeerCount} timed peers kept)");
        output.WriteLine($"Endpoint profile serialised / target {EndpointTargetBytes:N0} bytes: {((double)serialised.Length / EndpointTargetBytes).ToString("0.00", CultureInfo.InvariantCulture)}");
        output.WriteLine($"Endpoint profile in memory (estimate): {inMemory.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        output.WriteLine($"Flow records and queries scored per second by one grain: {perSecond.ToString("N0", CultureInfo.InvariantCulture)}");
    }

    private static (int Findings, TimeSpan Elapsed, long Scored) Score(
        List<FlowRecord> flows, List<DnsQueryRecord> queries, EndpointProfile profile, DnsWindowState windows, DetectionContext context, int findings, TimeSpan elapsed, long scored)
    {
        var stopwatch = Stopwatch.StartNew();
        findings += EndpointFlowAnomalyDetector.Inspect(flows, "bench", context, profile).Count;
        findings += DnsAnomalyDetector.Default.Inspect(queries, "bench", context, profile, windows).Count;
        stopwatch.Stop();
        scored += flows.Count + queries.Count;
        flows.Clear();
        queries.Clear();
        return (findings, elapsed + stopwatch.Elapsed, scored);
    }

    /// <summary>Returns an outbound flow to a peer of Zipf-like popularity, so a few peers are daily and most rare.</summary>
    private static FlowRecord FlowOf(Random random, DateTimeOffset time, int peerCount)
    {
        var rank = Math.Min(peerCount - 1, (int)Math.Floor(Math.Pow(peerCount + 1, random.NextDouble())) - 1);
        var (port, protocol) = Ports[random.Next(Ports.Length)];
        var packets = random.Next(4, 400);
        return new FlowRecord
        {
            IngestTime = time,
            AccountId = "111122223333",
            InterfaceId = "eni-0bench",
            InstanceId = "i-0bench",
            SourceAddress = "10.0.1.15",
            DestinationAddress = $"203.{rank / 65_536 % 256}.{rank / 256 % 256}.{rank % 256}",
            SourcePort = random.Next(32768, 61000),
            DestinationPort = port,
            Protocol = protocol,
            Packets = packets,
            Bytes = packets * random.Next(60, 1400),
            Start = time.AddSeconds(-30),
            End = time,
            Action = FlowAction.Accept,
            LogStatus = FlowLogStatus.Ok,
        };
    }

    private static DnsQueryRecord QueryOf(Random random, DateTimeOffset time)
    {
        var rank = (int)Math.Floor(Math.Pow(1_001, random.NextDouble())) - 1;
        var name = $"host{random.Next(10)}.service{rank}.com";
        return new DnsQueryRecord
        {
            QueryTimestamp = time,
            IngestTime = time,
            QueryName = name + ".",
            NormalizedQueryName = name,
            IsQueryNameValid = true,
            QueryType = "A",
            SourceAddress = "10.0.1.15",
        };
    }
}
