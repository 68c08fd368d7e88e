using System.Collections.Frozen;
using Vigil.Detection.Detectors;
using Vigil.Detection.Endpoints;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Settings;

/// <summary>
/// The built-in finding types a tenant may turn off in its detector settings. Vigil's own types about
/// changes to its configuration (trusted lists, detector settings) are not among them, so a changed
/// setting can never hide itself. The trail-integrity and Sigma rule types have their own controls.
/// </summary>
public static class FindingTypeCatalogue
{
    /// <summary>The CloudTrail types of <see cref="CloudTrailDetection.Default"/>.</summary>
    public static IReadOnlyList<string> CloudTrail { get; } =
    [
        RootCredentialUsageDetector.FindingType,
        ShortTermRootCredentialUsageDetector.FindingType,
        CloudTrailLoggingDisabledDetector.FindingType,
        PasswordPolicyChangeDetector.FindingType,
        BedrockLoggingDisabledDetector.FindingType,
        CustomThreatListCallerDetector.ReconFindingType,
        CustomThreatListCallerDetector.FindingType,
        S3CustomThreatListCallerDetector.DiscoveryFindingType,
        S3CustomThreatListCallerDetector.UnauthorizedAccessFindingType,
        PenTestUserAgentDetector.KaliFindingType,
        PenTestUserAgentDetector.ParrotFindingType,
        PenTestUserAgentDetector.PentooFindingType,
        PenTestUserAgentDetector.S3KaliFindingType,
        PenTestUserAgentDetector.S3ParrotFindingType,
        PenTestUserAgentDetector.S3PentooFindingType,
        S3BlockPublicAccessDisabledDetector.AccountFindingType,
        S3BlockPublicAccessDisabledDetector.BucketFindingType,
        S3BucketPublicAccessGrantedDetector.AnonymousFindingType,
        S3BucketPublicAccessGrantedDetector.PublicFindingType,
        S3ServerAccessLoggingDisabledDetector.FindingType,
        PlatformThreatListCallerDetector.ReconMaliciousType,
        PlatformThreatListCallerDetector.UnauthorizedMaliciousType,
        PlatformThreatListCallerDetector.ReconTorType,
        PlatformThreatListCallerDetector.UnauthorizedTorType,
        PlatformThreatListCallerDetector.S3DiscoveryMaliciousType,
        PlatformThreatListCallerDetector.S3ExfiltrationMaliciousType,
        PlatformThreatListCallerDetector.S3ImpactMaliciousType,
        PlatformThreatListCallerDetector.S3DiscoveryTorType,
        PlatformThreatListCallerDetector.S3UnauthorizedTorType,
        AdministrativePermissionsDetector.FindingType,
    ];

    /// <summary>The VPC flow and Resolver types of <see cref="NetworkDetection.Default"/>.</summary>
    public static IReadOnlyList<string> Network { get; } =
    [
        CustomThreatListFlowDetector.FindingType,
        PlatformThreatListFlowDetector.CommandAndControlType,
        PlatformThreatListFlowDetector.BitcoinToolType,
        PlatformThreatListFlowDetector.BlackholeType,
        PlatformThreatListFlowDetector.DropPointType,
        PlatformThreatListFlowDetector.TorClientType,
        PlatformThreatListFlowDetector.TorRelayType,
        PlatformThreatListFlowDetector.PortProbeType,
        PlatformThreatListFlowDetector.EmrPortProbeType,
        FlowThresholdDetection.PortscanType,
        FlowThresholdDetection.PortSweepType,
        FlowThresholdDetection.SshBruteForceType,
        FlowThresholdDetection.RdpBruteForceType,
        FlowThresholdDetection.WinRmBruteForceType,
        FlowThresholdDetection.DosDnsType,
        FlowThresholdDetection.DosTcpType,
        FlowThresholdDetection.DosUdpType,
        FlowThresholdDetection.DosUdpOnTcpPortsType,
        FlowThresholdDetection.DosUnusualProtocolType,
        CustomThreatListDomainDetector.FindingType,
        PlatformThreatListDomainDetector.CommandAndControlType,
        PlatformThreatListDomainDetector.BitcoinToolType,
        PlatformThreatListDomainDetector.BlackholeType,
        PlatformThreatListDomainDetector.DgaType,
        PlatformThreatListDomainDetector.DriveByType,
        PlatformThreatListDomainDetector.DropPointType,
        PlatformThreatListDomainDetector.PhishingType,
        MetadataDnsRebindDetector.FindingType,
    ];

    /// <summary>
    /// Every type a tenant may turn off: the CloudTrail, network, principal anomaly and endpoint
    /// anomaly types, in that order.
    /// </summary>
    public static IReadOnlyList<string> Disableable { get; } = [.. CloudTrail, .. Network, .. AnomalyTypes.All, .. EndpointAnomalyTypes.All];

    private static readonly FrozenSet<string> DisableableSet = Disableable.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>True when a tenant may turn the type off.</summary>
    public static bool IsDisableable(string findingType) => DisableableSet.Contains(findingType);
}
