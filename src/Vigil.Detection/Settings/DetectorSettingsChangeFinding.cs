using System.Globalization;
using System.Text.Json;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Settings;

/// <summary>
/// DefenseEvasion:Detector/DetectorSettingsChanged, Vigil's own type in GuardDuty's naming scheme: a
/// tenant's detector settings changed. Severity 8 when the change turned a finding type off, 5 when it
/// raised a threshold or lengthened the learning period, 2 when it only made detection stricter (a
/// flood of findings can bury a real one too). A save that leaves every value in effect as it was
/// raises nothing. The resource key includes the level, so a later mild change cannot lower the
/// severity of an earlier finding about a disabled detection.
/// </summary>
public static class DetectorSettingsChangeFinding
{
    public const string FindingType = "DefenseEvasion:Detector/DetectorSettingsChanged";

    /// <summary>Max changes of each kind named in the description; the evidence contains all of them.</summary>
    private const int MaxShown = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Builds one occurrence, or null for a change that changed nothing in effect.</summary>
    public static Finding? Create(DetectionContext context, DetectorSettingsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.IsEmpty)
        {
            return null;
        }

        var (level, severity) = change.DisabledTypes.Count > 0 ? ("disabled", 8.0)
            : change.Weakened.Count > 0 ? ("weakened", 5.0)
            : ("strengthened", 2.0);
        var parts = new List<string>();
        if (change.DisabledTypes.Count > 0)
        {
            parts.Add($"turned off {Join(change.DisabledTypes)}");
        }

        if (change.Weakened.Count > 0)
        {
            parts.Add($"weakened {Join(change.Weakened)}");
        }

        if (change.Strengthened.Count > 0)
        {
            parts.Add($"tightened {Join(change.Strengthened)}");
        }

        if (change.EnabledTypes.Count > 0)
        {
            parts.Add($"turned on {Join(change.EnabledTypes)}");
        }

        var title = level switch
        {
            "disabled" => "A detection was turned off in the detector settings.",
            "weakened" => "A detector threshold was weakened.",
            _ => "The detector settings were changed.",
        };
        var template = new FindingTemplate(
            FindingType,
            severity,
            title,
            $"{change.Actor} changed the detector settings (version {change.Version}): {string.Join("; ", parts)}. Check that the change was intended; turning detections off or raising thresholds hides attacks.");
        var info = new Dictionary<string, string>
        {
            ["changedBy"] = change.Actor,
            ["settingsVersion"] = change.Version.ToString(CultureInfo.InvariantCulture),
            ["change"] = level,
            ["before"] = JsonSerializer.Serialize(change.Before, Json),
            ["after"] = JsonSerializer.Serialize(change.After, Json),
            ["disabledTypes"] = string.Join(", ", change.DisabledTypes),
            ["enabledTypes"] = string.Join(", ", change.EnabledTypes),
            ["weakened"] = string.Join(", ", change.Weakened),
            ["strengthened"] = string.Join(", ", change.Strengthened),
        };
        var action = new FindingAction
        {
            ActionType = "VIGIL_API_CALL",
            AwsApiCallAction = new AwsApiCallAction
            {
                Api = "UpdateDetectorSettings",
                ServiceName = "vigil",
                CallerType = "Vigil user",
                UserAgent = change.Actor,
                AffectedResources = new Dictionary<string, string> { ["Vigil::DetectorSettings"] = context.TenantId },
            },
        };
        var resource = new FindingResource { ResourceType = "Detector" };
        var occurrence = new FindingOccurrence(TrustedListChangeFinding.AccountId, TrustedListChangeFinding.Region, "detector-settings:" + level, "ACTOR", change.At);
        return FindingFactory.Create(context, template, occurrence, resource, action, null, info);
    }

    private static string Join(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(MaxShown)) + (items.Count > MaxShown ? $" and {items.Count - MaxShown} more" : "");
}
