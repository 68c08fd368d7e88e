using System.Collections.Frozen;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Settings;

/// <summary>
/// One tenant's detectors as its settings configure them: the network detection with its thresholds,
/// the profile options with its learning period, and the finding types it turned off. Immutable; a
/// change of settings builds a new one.
/// </summary>
public sealed class TenantDetectors
{
    private readonly FrozenSet<string> disabled;

    private TenantDetectors(EffectiveDetectorSettings effective, NetworkDetection network, ProfileOptions profiles, int version)
    {
        Effective = effective;
        Network = network;
        Profiles = profiles;
        Version = version;
        disabled = effective.DisabledFindingTypes.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The values in effect.</summary>
    public EffectiveDetectorSettings Effective { get; }

    /// <summary>The flow and DNS detectors with the tenant's thresholds.</summary>
    public NetworkDetection Network { get; }

    /// <summary>The profile options with the tenant's learning period.</summary>
    public ProfileOptions Profiles { get; }

    /// <summary>The version of the stored settings, 0 for the defaults.</summary>
    public int Version { get; }

    /// <summary>Builds the detectors of <paramref name="settings"/> over the defaults.</summary>
    public static TenantDetectors Build(DetectorSettings settings, int version, FlowThresholdOptions flowDefaults, ProfileOptions profileDefaults)
    {
        var effective = DetectorSettingsLimits.Effective(settings, flowDefaults, profileDefaults);
        var thresholds = flowDefaults with
        {
            PortscanPorts = effective.PortscanPorts,
            PortSweepHosts = effective.PortSweepHosts,
            BruteForceConnections = effective.BruteForceConnections,
            DenialOfServicePackets = effective.DenialOfServicePackets,
        };
        var network = thresholds == flowDefaults ? NetworkDetection.Default : NetworkDetection.WithThresholds(new FlowThresholdDetection(thresholds));
        var profiles = profileDefaults with { LearningPeriod = TimeSpan.FromDays(effective.LearningDays) };
        return new TenantDetectors(effective, network, profiles, version);
    }

    /// <summary>True when the tenant turned the finding type off.</summary>
    public bool IsDisabled(string findingType) => disabled.Contains(findingType);

    /// <summary>
    /// Returns the findings whose types are not turned off; the same list when none is. Each finding
    /// left out is counted on <c>vigil.findings.suppressed</c> with the reason <c>type_disabled</c>.
    /// </summary>
    public IReadOnlyList<Finding> Filter(IReadOnlyList<Finding> findings)
    {
        if (disabled.Count == 0 || findings.Count == 0)
        {
            return findings;
        }

        var kept = new List<Finding>(findings.Count);
        foreach (var finding in findings)
        {
            if (!disabled.Contains(finding.Type))
            {
                kept.Add(finding);
            }
            else
            {
                FindingInstruments.RecordSuppressed(finding.Type, FindingInstruments.TypeDisabled);
            }
        }

        return kept;
    }
}
