namespace Vigil.Contracts.Findings;

/// <summary>
/// A finding in GuardDuty's JSON shape (schema version 2.0). Serialised with
/// <see cref="FindingJson.Options"/>, the property names become GuardDuty's camel-case field names.
/// The tenant is not part of the GuardDuty document; it travels beside it.
/// </summary>
public sealed record Finding
{
    public string SchemaVersion { get; init; } = "2.0";

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public string Partition { get; init; } = "aws";

    /// <summary>32 lower-case hex digits, stable for one aggregation key (see <see cref="FindingId"/>).</summary>
    public required string Id { get; init; }

    public required string Arn { get; init; }

    public required string Type { get; init; }

    public required FindingResource Resource { get; init; }

    public required FindingService Service { get; init; }

    /// <summary>GuardDuty severity, 1.0 to 10.0.</summary>
    public required double Severity { get; init; }

    /// <summary>When the finding was first stored (wall clock).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the finding was last aggregated or changed (wall clock).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    public required string Title { get; init; }

    public required string Description { get; init; }
}

public sealed record FindingResource
{
    /// <summary>GuardDuty resource type, for example AccessKey.</summary>
    public required string ResourceType { get; init; }

    public AccessKeyDetails? AccessKeyDetails { get; init; }

    public InstanceDetails? InstanceDetails { get; init; }
}

/// <summary>The EC2 instance or network interface a network finding is about, as far as the log shows it.</summary>
public sealed record InstanceDetails
{
    /// <summary>The instance id when the log carries it; flow logs in the default format do not.</summary>
    public string? InstanceId { get; init; }

    public IReadOnlyList<NetworkInterfaceDetails>? NetworkInterfaces { get; init; }
}

public sealed record NetworkInterfaceDetails
{
    public string? NetworkInterfaceId { get; init; }

    public string? PrivateIpAddress { get; init; }

    public string? VpcId { get; init; }

    public string? SubnetId { get; init; }
}

public sealed record AccessKeyDetails
{
    public string? AccessKeyId { get; init; }

    public string? PrincipalId { get; init; }

    public string? UserName { get; init; }

    public string? UserType { get; init; }
}

public sealed record FindingService
{
    public string ServiceName { get; init; } = "guardduty";

    public required string DetectorId { get; init; }

    public required FindingAction Action { get; init; }

    public FindingEvidence? Evidence { get; init; }

    public bool Archived { get; init; }

    /// <summary>Occurrences aggregated into this finding id.</summary>
    public required long Count { get; init; }

    /// <summary>Event time of the first occurrence.</summary>
    public required DateTimeOffset EventFirstSeen { get; init; }

    /// <summary>Event time of the latest occurrence.</summary>
    public required DateTimeOffset EventLastSeen { get; init; }

    /// <summary>ACTOR or TARGET.</summary>
    public required string ResourceRole { get; init; }

    public IReadOnlyDictionary<string, string>? AdditionalInfo { get; init; }

    /// <summary>The analyst's feedback: USEFUL, NOT_USEFUL or null. The store keeps it beside the document.</summary>
    public string? UserFeedback { get; init; }

    /// <summary>The explanation of an anomaly finding; null for other findings.</summary>
    public FindingDetection? Detection { get; init; }
}

/// <summary>GuardDuty's <c>service.detection</c>: how a finding was detected.</summary>
public sealed record FindingDetection
{
    public AnomalyDetection? Anomaly { get; init; }
}

/// <summary>
/// GuardDuty's <c>service.detection.anomaly</c>: the profiles that describe what is normal, and what
/// was unusual in the event. The outer keys name whose profile (for example PRINCIPAL or ACCOUNT), the
/// inner keys name the feature (for example API or ASN).
/// </summary>
public sealed record AnomalyDetection
{
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<AnomalyObject>>> Profiles { get; init; }

    public required AnomalyUnusual Unusual { get; init; }
}

public sealed record AnomalyUnusual
{
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, AnomalyObject>> Behavior { get; init; }
}

/// <summary>One class of a profile: its type (FREQUENCY), subtype (FREQUENT, INFREQUENT, RARE or UNSEEN) and the values in it.</summary>
public sealed record AnomalyObject
{
    public required string ProfileType { get; init; }

    public required string ProfileSubtype { get; init; }

    public required AnomalyObservations Observations { get; init; }
}

public sealed record AnomalyObservations
{
    public IReadOnlyList<string>? Text { get; init; }

    public IReadOnlyList<long>? Number { get; init; }
}

public sealed record FindingAction
{
    /// <summary>AWS_API_CALL, NETWORK_CONNECTION, PORT_PROBE or DNS_REQUEST.</summary>
    public required string ActionType { get; init; }

    public AwsApiCallAction? AwsApiCallAction { get; init; }

    public NetworkConnectionAction? NetworkConnectionAction { get; init; }

    public DnsRequestAction? DnsRequestAction { get; init; }
}

public sealed record NetworkConnectionAction
{
    /// <summary>INBOUND, OUTBOUND or UNKNOWN, seen from the local network interface.</summary>
    public required string ConnectionDirection { get; init; }

    /// <summary>TCP, UDP, ICMP or the IANA protocol number as text.</summary>
    public string? Protocol { get; init; }

    /// <summary>True when the flow was rejected (a security group or network ACL blocked it).</summary>
    public bool Blocked { get; init; }

    public RemoteIpDetails? LocalIpDetails { get; init; }

    public PortDetails? LocalPortDetails { get; init; }

    public RemoteIpDetails? RemoteIpDetails { get; init; }

    public PortDetails? RemotePortDetails { get; init; }

    public string? LocalNetworkInterface { get; init; }
}

public sealed record PortDetails
{
    public int? Port { get; init; }
}

public sealed record DnsRequestAction
{
    /// <summary>The queried name, normalised (lower case, no trailing dot).</summary>
    public required string Domain { get; init; }

    public string? Protocol { get; init; }

    /// <summary>True when a DNS Firewall rule blocked the query.</summary>
    public bool Blocked { get; init; }

    public string? VpcOwnerAccountId { get; init; }
}

public sealed record AwsApiCallAction
{
    public string? Api { get; init; }

    public string? ServiceName { get; init; }

    /// <summary>"Remote IP", "AWS Service" or "Unknown".</summary>
    public string? CallerType { get; init; }

    public string? ErrorCode { get; init; }

    public string? UserAgent { get; init; }

    public RemoteIpDetails? RemoteIpDetails { get; init; }

    public IReadOnlyDictionary<string, string>? AffectedResources { get; init; }

    /// <summary>The AWS account the call came from, when it is not the account of the finding.</summary>
    public RemoteAccountDetails? RemoteAccountDetails { get; init; }
}

public sealed record RemoteAccountDetails
{
    public string? AccountId { get; init; }

    /// <summary>True when the remote account belongs to the same tenant; Vigil does not know this yet and writes false.</summary>
    public bool Affiliated { get; init; }
}

public sealed record RemoteIpDetails
{
    public string? IpAddressV4 { get; init; }

    public string? IpAddressV6 { get; init; }

    /// <summary>The autonomous system of the address, when an ASN database is configured.</summary>
    public IpOrganization? Organization { get; init; }

    /// <summary>The country of the address, when a location database is configured.</summary>
    public IpCountry? Country { get; init; }

    public IpCity? City { get; init; }

    public GeoLocation? GeoLocation { get; init; }
}

public sealed record IpOrganization
{
    /// <summary>The AS number as text, as GuardDuty writes it.</summary>
    public string? Asn { get; init; }

    public string? AsnOrg { get; init; }

    public string? Isp { get; init; }

    public string? Org { get; init; }
}

public sealed record IpCountry
{
    public string? CountryCode { get; init; }

    public string? CountryName { get; init; }
}

public sealed record IpCity
{
    public string? CityName { get; init; }
}

public sealed record GeoLocation
{
    public double Lat { get; init; }

    public double Lon { get; init; }
}

public sealed record FindingEvidence
{
    public required IReadOnlyList<ThreatIntelligenceDetail> ThreatIntelligenceDetails { get; init; }
}

public sealed record ThreatIntelligenceDetail
{
    public required string ThreatListName { get; init; }

    /// <summary>The list entries (IP or CIDR text) that matched.</summary>
    public required IReadOnlyList<string> ThreatNames { get; init; }

    public string? ThreatFileSha256 { get; init; }
}
