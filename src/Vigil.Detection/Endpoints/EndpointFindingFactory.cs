using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Endpoints;

/// <summary>
/// Builds endpoint anomaly findings: a NETWORK_CONNECTION or DNS_REQUEST finding whose
/// <c>service.detection.anomaly</c> puts the endpoint's baseline beside what was unusual. The profile
/// key is ENDPOINT; feature keys are REMOTE_PORT, PEER, DNS_RESOLVER, DOH_SERVER, DOT_SERVER, DOMAIN,
/// BYTES_PER_PEER_DAY (profile type VOLUME) and CONNECTION_INTERVAL and CONNECTION_BYTES (profile type
/// PERIODICITY). GuardDuty documents the shape of this object but not its keys, so the keys are Vigil's.
/// </summary>
internal static class EndpointFindingFactory
{
    private const string Owner = "ENDPOINT";
    private const int BaselineValues = 20;

    /// <summary>Returns a flow finding whose evidence shows one unusual value of one dimension.</summary>
    public static Finding ForFlow(
        FlowRecord record, FlowSides sides, string endpointKey, DetectionContext context, FindingTemplate template,
        EndpointProfile profile, DateTimeOffset time, EndpointDimension dimension, string value, FrequencyClass valueClass,
        IReadOnlyDictionary<string, string>? info = null)
    {
        var anomaly = Anomaly(
            Baseline(profile, time, dimension),
            new Dictionary<string, AnomalyObject>(StringComparer.Ordinal) { [FeatureName(dimension)] = Frequency(valueClass, [value]) });
        return WithAnomaly(Flow(record, sides, endpointKey, context, template, info), anomaly);
    }

    /// <summary>Returns a flow finding with a hand-built evidence object (volume and periodicity).</summary>
    public static Finding ForFlow(
        FlowRecord record, FlowSides sides, string endpointKey, DetectionContext context, FindingTemplate template,
        AnomalyDetection anomaly, IReadOnlyDictionary<string, string>? info = null) =>
        WithAnomaly(Flow(record, sides, endpointKey, context, template, info), anomaly);

    /// <summary>Returns a DNS finding whose evidence shows the endpoint's domains and the unusual features of the query.</summary>
    public static Finding ForDns(
        DnsQueryRecord record, string endpointKey, DetectionContext context, FindingTemplate template,
        AnomalyDetection? anomaly, IReadOnlyDictionary<string, string>? info)
    {
        var finding = NetworkFindingFactory.ForDns(record, endpointKey, context, template, null, info);
        return anomaly is null ? finding : WithAnomaly(finding, anomaly);
    }

    /// <summary>Returns the endpoint's baseline of one dimension, grouped by class.</summary>
    public static Dictionary<string, IReadOnlyList<AnomalyObject>> Baseline(EndpointProfile profile, DateTimeOffset time, EndpointDimension dimension)
    {
        var baseline = new Dictionary<string, IReadOnlyList<AnomalyObject>>(StringComparer.Ordinal);
        var values = profile.Top(dimension, time, BaselineValues);
        if (values.Count > 0)
        {
            baseline[FeatureName(dimension)] = [.. values
                .GroupBy(item => item.Class)
                .OrderByDescending(group => group.Key)
                .Select(group => Frequency(group.Key, [.. group.Select(item => item.Value)]))];
        }

        return baseline;
    }

    public static AnomalyDetection Anomaly(Dictionary<string, IReadOnlyList<AnomalyObject>> baseline, Dictionary<string, AnomalyObject> unusual) => new()
    {
        Profiles = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<AnomalyObject>>>(StringComparer.Ordinal) { [Owner] = baseline },
        Unusual = new AnomalyUnusual
        {
            Behavior = new Dictionary<string, IReadOnlyDictionary<string, AnomalyObject>>(StringComparer.Ordinal) { [Owner] = unusual },
        },
    };

    public static AnomalyObject Frequency(FrequencyClass valueClass, IReadOnlyList<string> values) => new()
    {
        ProfileType = "FREQUENCY",
        ProfileSubtype = valueClass switch
        {
            FrequencyClass.Frequent => "FREQUENT",
            FrequencyClass.Infrequent => "INFREQUENT",
            FrequencyClass.Rare => "RARE",
            _ => "UNSEEN",
        },
        Observations = new AnomalyObservations { Text = values },
    };

    public static AnomalyObject Numbers(string type, string subtype, IReadOnlyList<long> values) => new()
    {
        ProfileType = type,
        ProfileSubtype = subtype,
        Observations = new AnomalyObservations { Number = values },
    };

    public static string FeatureName(EndpointDimension dimension) => dimension switch
    {
        EndpointDimension.RemotePort => "REMOTE_PORT",
        EndpointDimension.Peer => "PEER",
        EndpointDimension.DnsResolver => "DNS_RESOLVER",
        EndpointDimension.DohServer => "DOH_SERVER",
        EndpointDimension.DotServer => "DOT_SERVER",
        _ => "DOMAIN",
    };

    private static Finding Flow(FlowRecord record, FlowSides sides, string endpointKey, DetectionContext context, FindingTemplate template, IReadOnlyDictionary<string, string>? info) =>
        NetworkFindingFactory.ForFlow(
            record, endpointKey, context, template, "ACTOR", sides.Direction, sides.LocalAddress, sides.LocalPort, sides.RemoteAddress, sides.RemotePort, null, info);

    private static Finding WithAnomaly(Finding finding, AnomalyDetection anomaly) =>
        finding with { Service = finding.Service with { Detection = new FindingDetection { Anomaly = anomaly } } };
}
