using System.Globalization;

namespace Vigil.Detection.Settings;

/// <summary>
/// What one change of a tenant's detector settings did, setting by setting. A higher threshold or a
/// longer learning period weakens detection (fewer findings); a lower one strengthens it. A turned-off
/// finding type is a detection disabled.
/// </summary>
public sealed record DetectorSettingsChange(EffectiveDetectorSettings Before, EffectiveDetectorSettings After, string Actor, int Version, DateTimeOffset At)
{
    /// <summary>The settings that now raise fewer findings, as "name before → after".</summary>
    public IReadOnlyList<string> Weakened { get; private init; } = [];

    /// <summary>The settings that now raise more findings, as "name before → after".</summary>
    public IReadOnlyList<string> Strengthened { get; private init; } = [];

    /// <summary>The finding types turned off by this change.</summary>
    public IReadOnlyList<string> DisabledTypes { get; private init; } = [];

    /// <summary>The finding types turned back on by this change.</summary>
    public IReadOnlyList<string> EnabledTypes { get; private init; } = [];

    /// <summary>True when the change left every value in effect as it was.</summary>
    public bool IsEmpty => Weakened.Count + Strengthened.Count + DisabledTypes.Count + EnabledTypes.Count == 0;

    /// <summary>Compares the values in effect before and after a change.</summary>
    public static DetectorSettingsChange Compare(EffectiveDetectorSettings before, EffectiveDetectorSettings after, string actor, int version, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var weakened = new List<string>();
        var strengthened = new List<string>();
        Add("portscanPorts", before.PortscanPorts, after.PortscanPorts, weakened, strengthened);
        Add("portSweepHosts", before.PortSweepHosts, after.PortSweepHosts, weakened, strengthened);
        Add("bruteForceConnections", before.BruteForceConnections, after.BruteForceConnections, weakened, strengthened);
        Add("denialOfServicePackets", before.DenialOfServicePackets, after.DenialOfServicePackets, weakened, strengthened);
        Add("learningDays", before.LearningDays, after.LearningDays, weakened, strengthened);

        var previous = before.DisabledFindingTypes.ToHashSet(StringComparer.Ordinal);
        var current = after.DisabledFindingTypes.ToHashSet(StringComparer.Ordinal);
        return new DetectorSettingsChange(before, after, actor, version, at)
        {
            Weakened = weakened,
            Strengthened = strengthened,
            DisabledTypes = [.. after.DisabledFindingTypes.Where(type => !previous.Contains(type))],
            EnabledTypes = [.. before.DisabledFindingTypes.Where(type => !current.Contains(type))],
        };
    }

    // Every setting counts something, so a higher value needs more activity before a finding: weaker.
    private static void Add(string name, long before, long after, List<string> weakened, List<string> strengthened)
    {
        if (after == before)
        {
            return;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{name} {before} → {after}");
        (after > before ? weakened : strengthened).Add(text);
    }
}
