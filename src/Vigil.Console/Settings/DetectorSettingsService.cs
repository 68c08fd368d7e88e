using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;
using Vigil.Detection.Settings;

namespace Vigil.Console.Settings;

/// <summary>
/// A tenant's detector settings as the Settings page and the API read and change them. Saving goes
/// through <see cref="DetectorSettingsCatalogue"/> (checks, version, the settings-changed finding, this
/// silo's registry) and writes the values in effect before and after to the <see cref="IAuditLog"/>.
/// </summary>
public sealed partial class DetectorSettingsService(
    DetectorSettingsCatalogue catalogue, IAuditLog audit, TimeProvider clock, ILogger<DetectorSettingsService> logger)
{
    public const string AuditObjectType = "detector-settings";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<DetectorSettingsView> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var (stored, effective) = await catalogue.GetAsync(tenantId, cancellationToken);
        return DetectorSettingsView.From(stored, effective, catalogue.EffectiveOf(DetectorSettings.Defaults));
    }

    /// <summary>Saves the settings when <paramref name="expectedVersion"/> is still the stored version.</summary>
    public async Task<DetectorSettingsSaveOutcome> SaveAsync(string tenantId, string actor, DetectorSettings settings, int expectedVersion, CancellationToken cancellationToken)
    {
        var result = await catalogue.SaveAsync(tenantId, settings, expectedVersion, actor, cancellationToken);
        if (!result.Succeeded)
        {
            return new DetectorSettingsSaveOutcome(result.Errors, result.Conflict, null, null);
        }

        var change = result.Change!;
        await audit.WriteAsync(
            new AuditEntry(tenantId, Lists.ListService.Bounded(actor), "updated", AuditObjectType, tenantId,
                JsonSerializer.Serialize(change.Before, Json), JsonSerializer.Serialize(change.After, Json), clock.GetUtcNow()),
            cancellationToken);
        LogChanged(logger, tenantId, result.Stored!.Version, change.DisabledTypes.Count, change.Weakened.Count, change.Strengthened.Count + change.EnabledTypes.Count);
        return new DetectorSettingsSaveOutcome(result.Errors, false, await GetAsync(tenantId, cancellationToken), change);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Detector settings of tenant {TenantId} changed to version {Version}: {Disabled} types turned off, {Weakened} settings weakened, {Strengthened} made stricter")]
    private static partial void LogChanged(ILogger logger, string tenantId, int version, int disabled, int weakened, int strengthened);
}

/// <summary>
/// A tenant's detector settings: what it set (null where it uses the default), the values in effect,
/// the defaults, and the finding types it may turn off.
/// </summary>
public sealed record DetectorSettingsView(
    int Version,
    DetectorSettings Settings,
    EffectiveDetectorSettings Effective,
    EffectiveDetectorSettings Defaults,
    IReadOnlyList<string> DisableableTypes,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy)
{
    public static DetectorSettingsView From(StoredDetectorSettings stored, EffectiveDetectorSettings effective, EffectiveDetectorSettings defaults) => new(
        stored.Version,
        stored.Settings,
        effective,
        defaults,
        FindingTypeCatalogue.Disableable,
        stored.Version == 0 ? null : stored.UpdatedAt,
        stored.Version == 0 ? null : stored.UpdatedBy);
}

/// <summary>The outcome of a save: errors by setting, a conflict with a newer version, or the settings after it and the change.</summary>
public sealed record DetectorSettingsSaveOutcome(
    IReadOnlyDictionary<string, string[]> Errors, bool Conflict, DetectorSettingsView? Settings, DetectorSettingsChange? Change)
{
    public bool Succeeded => Errors.Count == 0 && !Conflict && Settings is not null;
}
