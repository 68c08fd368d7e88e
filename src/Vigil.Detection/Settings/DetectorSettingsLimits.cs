using Vigil.Contracts.Storage;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Settings;

/// <summary>
/// The ranges a tenant may set each detector setting to, and the check that applies them. The upper
/// bounds keep one endpoint grain's counters small, because a counter keeps up to its threshold of
/// distinct values. The lower bounds keep a threshold from firing on ordinary traffic.
/// </summary>
public static class DetectorSettingsLimits
{
    public const int MinPorts = 5;
    public const int MaxPorts = 500;
    public const int MinHosts = 5;
    public const int MaxHosts = 500;
    public const int MinConnections = 3;
    public const int MaxConnections = 500;
    public const long MinPackets = 10_000;
    public const long MaxPackets = 10_000_000_000;
    public const int MaxLearningDays = 365;

    /// <summary>Returns the problems of the settings, keyed by the camel-case name of the setting; empty when they are valid.</summary>
    public static Dictionary<string, string[]> Validate(DetectorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Check(errors, "portscanPorts", settings.PortscanPorts, MinPorts, MaxPorts, "ports");
        Check(errors, "portSweepHosts", settings.PortSweepHosts, MinHosts, MaxHosts, "hosts");
        Check(errors, "bruteForceConnections", settings.BruteForceConnections, MinConnections, MaxConnections, "connections");
        Check(errors, "denialOfServicePackets", settings.DenialOfServicePackets, MinPackets, MaxPackets, "packets");
        Check(errors, "learningDays", settings.LearningDays, 0, MaxLearningDays, "days");

        if (settings.DisabledFindingTypes.Count > 1_000)
        {
            errors["disabledFindingTypes"] = [$"{settings.DisabledFindingTypes.Count} types given; at most 1000 are read."];
            return errors;
        }

        var unknown = settings.DisabledFindingTypes.Where(type => !FindingTypeCatalogue.IsDisableable(type)).Take(10).ToList();
        if (unknown.Count > 0)
        {
            errors["disabledFindingTypes"] = [.. unknown.Select(type =>
                $"'{Bounded(type)}' is not a finding type that can be turned off; DefenseEvasion:Detector types never can, and the rest are listed in docs/findings.md.")];
        }

        return errors;
    }

    /// <summary>The settings with the disabled types sorted and without repeats, as they are stored.</summary>
    public static DetectorSettings Normalize(DetectorSettings settings) => settings with
    {
        DisabledFindingTypes = [.. settings.DisabledFindingTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
    };

    /// <summary>The values in effect for settings over the given defaults.</summary>
    public static EffectiveDetectorSettings Effective(DetectorSettings settings, FlowThresholdOptions flowDefaults, ProfileOptions profileDefaults)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new EffectiveDetectorSettings(
            settings.PortscanPorts ?? flowDefaults.PortscanPorts,
            settings.PortSweepHosts ?? flowDefaults.PortSweepHosts,
            settings.BruteForceConnections ?? flowDefaults.BruteForceConnections,
            settings.DenialOfServicePackets ?? flowDefaults.DenialOfServicePackets,
            settings.LearningDays ?? (int)Math.Round(profileDefaults.LearningPeriod.TotalDays),
            [.. settings.DisabledFindingTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    private static void Check<T>(Dictionary<string, string[]> errors, string name, T? value, T minimum, T maximum, string unit)
        where T : struct, IComparable<T>
    {
        if (value is { } set && (set.CompareTo(minimum) < 0 || set.CompareTo(maximum) > 0))
        {
            errors[name] = [$"{set} is out of range; use {minimum} to {maximum} {unit}, or leave it empty for the default."];
        }
    }

    private static string Bounded(string text) => text.Length > 100 ? text[..100] + "…" : text;
}

/// <summary>The detector settings in effect for a tenant: its own values where it set them, the defaults elsewhere.</summary>
public sealed record EffectiveDetectorSettings(
    int PortscanPorts,
    int PortSweepHosts,
    int BruteForceConnections,
    long DenialOfServicePackets,
    int LearningDays,
    IReadOnlyList<string> DisabledFindingTypes);
