using System.Collections.Frozen;

namespace Vigil.Detection.Endpoints;

/// <summary>The finding types raised from endpoint profiles and DNS models, with their severities.</summary>
public static class EndpointAnomalyTypes
{
    public const string NetworkPortUnusual = "Behavior:EC2/NetworkPortUnusual";
    public const string TrafficVolumeUnusual = "Behavior:EC2/TrafficVolumeUnusual";
    public const string Spambot = "Backdoor:EC2/Spambot";
    public const string UnusualDnsResolver = "DefenseEvasion:EC2/UnusualDNSResolver";
    public const string UnusualDoh = "DefenseEvasion:EC2/UnusualDoHActivity";
    public const string UnusualDot = "DefenseEvasion:EC2/UnusualDoTActivity";

    /// <summary>
    /// Vigil's own type in GuardDuty's naming scheme (purpose Backdoor, resource EC2, family Beaconing,
    /// detection mechanism Flow): regular connections to one peer found from flow timing alone.
    /// </summary>
    public const string Beaconing = "Backdoor:EC2/Beaconing.Flow";

    public const string DnsDataExfiltration = "Trojan:EC2/DNSDataExfiltration";
    public const string DgaDomainRequest = "Trojan:EC2/DGADomainRequest.B";
    public const string AbusedDomain = "Impact:EC2/AbusedDomainRequest.Reputation";
    public const string BitcoinDomain = "Impact:EC2/BitcoinDomainRequest.Reputation";
    public const string MaliciousDomain = "Impact:EC2/MaliciousDomainRequest.Reputation";
    public const string SuspiciousDomain = "Impact:EC2/SuspiciousDomainRequest.Reputation";

    /// <summary>
    /// Ports that make NetworkPortUnusual High: the LDAP ports 389 and 1389 that log4j (CVE-2021-44228)
    /// callbacks use, as GuardDuty's finding type documentation describes.
    /// </summary>
    public static FrozenSet<int> LdapCallbackPorts { get; } = FrozenSet.ToFrozenSet([389, 1389]);

    /// <summary>Every type raised from endpoint profiles and DNS models, for the documentation and the tests.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        NetworkPortUnusual, TrafficVolumeUnusual, Spambot, UnusualDnsResolver, UnusualDoh, UnusualDot, Beaconing,
        DnsDataExfiltration, DgaDomainRequest, AbusedDomain, BitcoinDomain, MaliciousDomain, SuspiciousDomain,
    ];
}
