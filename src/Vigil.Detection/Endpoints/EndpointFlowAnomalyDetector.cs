using System.Globalization;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Endpoints;

/// <summary>
/// Scores an endpoint's flow records against its <see cref="EndpointProfile"/> and counts them into
/// it. Each record is classified before it is counted, so the first use of a port or server is
/// unseen. Only records whose sides are known (<see cref="FlowSides"/>) and whose remote side is a
/// public address are profiled, and no finding is raised while the profile is learning.
/// </summary>
public static class EndpointFlowAnomalyDetector
{
    /// <summary>How much larger than the largest learned peer-day a day's bytes to one peer must be.</summary>
    public const double VolumeMaxFactor = 3;

    /// <summary>Decayed peer-days the volume baseline needs before it is used.</summary>
    public const double VolumeMinimumPeerDays = 10;

    /// <summary>Scores and counts the records; returns the findings, merged by id.</summary>
    public static IReadOnlyList<Finding> Inspect(IEnumerable<FlowRecord> records, string endpointKey, DetectionContext context, EndpointProfile profile)
    {
        var raised = new List<Finding>();
        var checkTrusted = context.Intel.TrustedEntryCount > 0;

        var list = records.AsReadOnlyList();
        for (var index = 0; index < list.Count; index++)
        {
            var record = list[index];
            if ((record.End ?? record.Start) is not { } time || !FlowSides.TryResolve(record, out var sides) || !FlowSides.IsPublic(sides.RemoteAddress))
            {
                continue;
            }

            if (checkTrusted && (context.Intel.TryMatchTrusted(record.SourceAddress, out _) || context.Intel.TryMatchTrusted(record.DestinationAddress, out _)))
            {
                continue;
            }

            Inspect(record, sides, time, endpointKey, context, profile, raised);
        }

        return FindingAggregation.MergeById(raised);
    }

    private static void Inspect(FlowRecord record, FlowSides sides, DateTimeOffset time, string endpointKey, DetectionContext context, EndpointProfile profile, List<Finding> raised)
    {
        profile.Tick(time);
        var learning = profile.IsLearning(time);
        var remote = sides.RemoteAddress;
        var peerClass = profile.Classify(EndpointDimension.Peer, remote, time);

        var outboundBytes = !sides.RemoteIsSource && record.Bytes is > 0 ? record.Bytes.Value : 0;
        var dayBytes = profile.AddPeerBytes(remote, outboundBytes, time);
        if (!learning && outboundBytes > 0)
        {
            CheckVolume(record, sides, time, endpointKey, context, profile, dayBytes, raised);
        }

        var accepted = record.Action == FlowAction.Accept;
        if (sides.RemoteInitiated || !accepted || sides.RemotePort is not { } port)
        {
            return;
        }

        var (protocol, portKey) = PortKeys.Of(record.Protocol, port);
        var portClass = profile.Classify(EndpointDimension.RemotePort, portKey, time);
        profile.Observe(EndpointDimension.RemotePort, portKey, time);

        var subject = record.InstanceId ?? record.InterfaceId ?? "(unknown)";
        if (port == 53 && record.Protocol is 6 or 17)
        {
            var resolverClass = profile.Classify(EndpointDimension.DnsResolver, remote, time);
            profile.Observe(EndpointDimension.DnsResolver, remote, time);
            if (!learning && resolverClass == FrequencyClass.Unseen)
            {
                raised.Add(EndpointFindingFactory.ForFlow(record, sides, endpointKey, context,
                    new FindingTemplate(EndpointAnomalyTypes.UnusualDnsResolver, 5.0,
                        $"{subject} is communicating with an unusual DNS resolver.",
                        $"{subject} sent DNS traffic to the public resolver {remote}, which it has not used before."),
                    profile, time, EndpointDimension.DnsResolver, remote, resolverClass));
            }
        }
        else if (port == 853 && record.Protocol == 6)
        {
            var dotClass = profile.Classify(EndpointDimension.DotServer, remote, time);
            profile.Observe(EndpointDimension.DotServer, remote, time);
            if (!learning && dotClass == FrequencyClass.Unseen)
            {
                raised.Add(EndpointFindingFactory.ForFlow(record, sides, endpointKey, context,
                    new FindingTemplate(EndpointAnomalyTypes.UnusualDot, 5.0,
                        $"{subject} is using DNS over TLS with an unusual server.",
                        $"{subject} connected to {remote} on the DNS-over-TLS port 853, a server it has not used before, which bypasses the VPC resolver and its query logs."),
                    profile, time, EndpointDimension.DotServer, remote, dotClass));
            }
        }
        else if (port == 443 && DohServers.ProviderOf(remote) is { } provider)
        {
            var dohClass = profile.Classify(EndpointDimension.DohServer, remote, time);
            profile.Observe(EndpointDimension.DohServer, remote, time);
            if (!learning && dohClass == FrequencyClass.Unseen)
            {
                raised.Add(EndpointFindingFactory.ForFlow(record, sides, endpointKey, context,
                    new FindingTemplate(EndpointAnomalyTypes.UnusualDoh, 5.0,
                        $"{subject} is using DNS over HTTPS with an unusual server.",
                        $"{subject} connected to the {provider} DNS-over-HTTPS resolver {remote} on port 443, a server it has not used before, which bypasses the VPC resolver and its query logs."),
                    profile, time, EndpointDimension.DohServer, remote, dohClass, new Dictionary<string, string> { ["dohProvider"] = provider }));
            }
        }
        else if (port == 25 && record.Protocol == 6)
        {
            if (!learning && portClass == FrequencyClass.Unseen)
            {
                raised.Add(EndpointFindingFactory.ForFlow(record, sides, endpointKey, context,
                    new FindingTemplate(EndpointAnomalyTypes.Spambot, 5.0,
                        $"{subject} is sending traffic on port 25, which it does not usually do.",
                        $"{subject} opened an SMTP connection to {remote} port 25. It has not used port 25 before, which is how spam-sending malware behaves."),
                    profile, time, EndpointDimension.RemotePort, portKey, portClass));
            }
        }
        else if (!learning && portClass == FrequencyClass.Unseen)
        {
            var ldap = record.Protocol == 6 && EndpointAnomalyTypes.LdapCallbackPorts.Contains(port);
            var info = ldap ? new Dictionary<string, string> { ["context"] = "Possible log4j callback" } : null;
            raised.Add(EndpointFindingFactory.ForFlow(record, sides, endpointKey, context,
                new FindingTemplate(EndpointAnomalyTypes.NetworkPortUnusual, ldap ? 8.0 : 5.0,
                    $"{subject} is communicating on an unusual server port {port}.",
                    $"{subject} opened a {protocol.ToUpperInvariant()} connection to {remote} port {port}, a remote port it has not used before."
                        + (ldap ? " Port " + port.ToString(CultureInfo.InvariantCulture) + " is an LDAP port used by log4j exploit callbacks." : string.Empty)),
                profile, time, EndpointDimension.RemotePort, portKey, portClass, info));
        }

        CheckBeacon(record, sides, time, endpointKey, context, profile, peerClass, learning, raised);
    }

    /// <summary>
    /// Raises TrafficVolumeUnusual when the bytes of the day to one peer reach both
    /// <see cref="ProfileOptions.VolumeMinimumBytes"/> and <see cref="VolumeMaxFactor"/> times the largest
    /// learned peer-day (decayed with the half-life); once per peer and day. The mean of the learned
    /// peer-days (in log10 of bytes) is evidence only, because peers of one endpoint differ by orders of
    /// magnitude and a spread over all of them says little about one.
    /// </summary>
    private static void CheckVolume(
        FlowRecord record, FlowSides sides, DateTimeOffset time, string endpointKey, DetectionContext context, EndpointProfile profile, double dayBytes, List<Finding> raised)
    {
        var baseline = profile.Volume(time);
        if (baseline.PeerDays < VolumeMinimumPeerDays || dayBytes < profile.Options.VolumeMinimumBytes)
        {
            return;
        }

        var threshold = VolumeMaxFactor * baseline.MaxBytes;
        if (dayBytes < threshold || !profile.TryMarkVolumeRaised(sides.RemoteAddress, time))
        {
            return;
        }

        var subject = record.InstanceId ?? record.InterfaceId ?? "(unknown)";
        var typical = (long)Math.Pow(10, baseline.MeanLog10);
        var baselineObjects = EndpointFindingFactory.Baseline(profile, time, EndpointDimension.Peer);
        baselineObjects["BYTES_PER_PEER_DAY"] =
        [
            EndpointFindingFactory.Numbers("VOLUME", "TYPICAL", [typical]),
            EndpointFindingFactory.Numbers("VOLUME", "MAXIMUM", [(long)baseline.MaxBytes]),
        ];
        var unusual = new Dictionary<string, AnomalyObject>(StringComparer.Ordinal)
        {
            ["BYTES_PER_PEER_DAY"] = EndpointFindingFactory.Numbers("VOLUME", "UNUSUAL", [(long)dayBytes]),
            ["PEER"] = EndpointFindingFactory.Frequency(profile.Classify(EndpointDimension.Peer, sides.RemoteAddress, time), [sides.RemoteAddress]),
        };
        var info = new Dictionary<string, string>
        {
            ["volume.dayBytes"] = ((long)dayBytes).ToString(CultureInfo.InvariantCulture),
            ["volume.thresholdBytes"] = ((long)threshold).ToString(CultureInfo.InvariantCulture),
        };
        raised.Add(EndpointFindingFactory.ForFlow(record, sides, endpointKey, context,
            new FindingTemplate(EndpointAnomalyTypes.TrafficVolumeUnusual, 5.0,
                $"{subject} is sending an unusually large amount of traffic to {sides.RemoteAddress}.",
                $"{subject} sent {Megabytes(dayBytes)} to {sides.RemoteAddress} today; its largest day to one peer before was {Megabytes(baseline.MaxBytes)} and a typical one {Megabytes(typical)}."),
            EndpointFindingFactory.Anomaly(baselineObjects, unusual), info));
    }

    /// <summary>
    /// Adds the connection to the peer's samples and raises Beaconing when they score as a beacon
    /// (<see cref="BeaconScore"/>). Only peers that were not frequent for the endpoint are timed, and
    /// only peers first seen after learning could have ended raise, so beacons that were there while
    /// the profile learned count as normal.
    /// </summary>
    private static void CheckBeacon(
        FlowRecord record, FlowSides sides, DateTimeOffset time, string endpointKey, DetectionContext context,
        EndpointProfile profile, FrequencyClass peerClass, bool learning, List<Finding> raised)
    {
        var remote = sides.RemoteAddress;
        if (peerClass == FrequencyClass.Frequent)
        {
            profile.ForgetConnections(remote);
            return;
        }

        var start = record.Start ?? time;
        var samples = profile.AddConnection(remote, new ConnectionSample(start.ToUnixTimeSeconds(), record.Bytes ?? 0, sides.LocalPort ?? 0));
        if (learning || samples.Count < BeaconScore.MinimumSamples)
        {
            return;
        }

        var firstDay = profile.FirstDayOf(EndpointDimension.Peer, remote);
        if (firstDay is null || profile.LearningEndDay is not { } learningEnd || firstDay < learningEnd)
        {
            return;
        }

        var score = BeaconScore.Of(samples);
        if (!score.IsBeacon)
        {
            return;
        }

        profile.ForgetConnections(remote);
        var subject = record.InstanceId ?? record.InterfaceId ?? "(unknown)";
        var baseline = EndpointFindingFactory.Baseline(profile, time, EndpointDimension.Peer);
        var unusual = new Dictionary<string, AnomalyObject>(StringComparer.Ordinal)
        {
            ["PEER"] = EndpointFindingFactory.Frequency(peerClass, [remote]),
            ["CONNECTION_INTERVAL"] = EndpointFindingFactory.Numbers("PERIODICITY", "REGULAR", [(long)Math.Round(score.MedianIntervalSeconds)]),
            ["CONNECTION_BYTES"] = EndpointFindingFactory.Numbers("PERIODICITY", "REGULAR", [(long)Math.Round(score.MedianBytes)]),
        };
        var info = new Dictionary<string, string>
        {
            ["beacon.score"] = score.Score.ToString("0.000", CultureInfo.InvariantCulture),
            ["beacon.intervalDispersion"] = score.IntervalDispersion.ToString("0.000", CultureInfo.InvariantCulture),
            ["beacon.sizeDispersion"] = score.SizeDispersion.ToString("0.000", CultureInfo.InvariantCulture),
            ["beacon.medianIntervalSeconds"] = Math.Round(score.MedianIntervalSeconds).ToString(CultureInfo.InvariantCulture),
            ["beacon.connections"] = score.Samples.ToString(CultureInfo.InvariantCulture),
        };
        raised.Add(EndpointFindingFactory.ForFlow(record, sides, endpointKey, context,
            new FindingTemplate(EndpointAnomalyTypes.Beaconing, 5.0,
                $"{subject} is connecting to {remote} at regular intervals.",
                $"{subject} opened {score.Samples} connections to {remote} about every {Math.Round(score.MedianIntervalSeconds)} seconds with about {Math.Round(score.MedianBytes)} bytes each (score {score.Score:0.00}), which is how malware polls a command-and-control server."),
            EndpointFindingFactory.Anomaly(baseline, unusual), info));
    }

    private static string Megabytes(double bytes) => (bytes / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}

/// <summary>
/// The lower-case protocol name and the <c>protocol/port</c> key of a remote port, made once per
/// protocol and port instead of for every flow record. At most <see cref="MaxKeys"/> keys are kept,
/// and beyond that a key is made anew each time.
/// </summary>
internal static class PortKeys
{
    private const int MaxKeys = 65_536;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<long, (string Protocol, string Key)> Keys = new();

    // Counted here because ConcurrentDictionary.Count takes every lock of the dictionary.
    private static int keyCount;

    public static (string Protocol, string Key) Of(int? protocol, int port)
    {
        // Protocol numbers are 0 to 255 and ports 0 to 65535. Keys of other values are made each time.
        var cacheable = protocol is null or (>= 0 and <= 255) && port is >= 0 and <= 65535;
        var id = ((long)(protocol ?? 256) << 16) | (uint)port;
        if (cacheable && Keys.TryGetValue(id, out var known))
        {
            return known;
        }

        var name = NetworkFindingFactory.ProtocolName(protocol)?.ToLowerInvariant() ?? "unknown";
        var created = (name, $"{name}/{port.ToString(CultureInfo.InvariantCulture)}");
        if (cacheable && Volatile.Read(ref keyCount) < MaxKeys && Keys.TryAdd(id, created))
        {
            Interlocked.Increment(ref keyCount);
        }

        return created;
    }
}
