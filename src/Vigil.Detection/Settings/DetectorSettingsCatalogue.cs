using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;

namespace Vigil.Detection.Settings;

/// <summary>
/// Changes a tenant's detector settings the way every front end must: it checks them, stores them with
/// optimistic concurrency, raises <see cref="DetectorSettingsChangeFinding"/> for a change in effect, and
/// applies them to this silo's registry at once (other silos apply them on their next refresh).
/// </summary>
public sealed class DetectorSettingsCatalogue(IDetectorSettingsStore store, IFindingSink findings, DetectorSettingsRegistry registry, TimeProvider clock)
{
    /// <summary>The tenant's stored settings (version 0 and the defaults when none are stored) and the values in effect.</summary>
    public async Task<(StoredDetectorSettings Stored, EffectiveDetectorSettings Effective)> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(tenantId, cancellationToken)
            ?? new StoredDetectorSettings(tenantId, DetectorSettings.Defaults, 0, DateTimeOffset.MinValue, "");
        return (stored, EffectiveOf(stored.Settings));
    }

    /// <summary>The values in effect for settings on this silo's defaults.</summary>
    public EffectiveDetectorSettings EffectiveOf(DetectorSettings settings) =>
        DetectorSettingsLimits.Effective(settings, registry.FlowDefaults, registry.ProfileDefaults);

    /// <summary>Checks and stores the settings; the result carries the errors, a conflict, or the stored settings and the change.</summary>
    public async Task<DetectorSettingsSaveResult> SaveAsync(string tenantId, DetectorSettings settings, int expectedVersion, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = DetectorSettingsLimits.Validate(settings);
        if (errors.Count > 0)
        {
            return new DetectorSettingsSaveResult(errors, null, null, null, false);
        }

        var (current, before) = await GetAsync(tenantId, cancellationToken);
        if (current.Version != expectedVersion)
        {
            return new DetectorSettingsSaveResult(errors, current, null, null, true);
        }

        var normalized = DetectorSettingsLimits.Normalize(settings);
        var now = clock.GetUtcNow();
        var saved = await store.SaveAsync(tenantId, normalized, expectedVersion, actor, now, cancellationToken);
        if (saved is null)
        {
            return new DetectorSettingsSaveResult(errors, await store.FindAsync(tenantId, cancellationToken), null, null, true);
        }

        var change = DetectorSettingsChange.Compare(before, EffectiveOf(normalized), actor, saved.Version, now);
        var context = new DetectionContext(tenantId, ThreatIntelSnapshot.Empty, clock);
        if (DetectorSettingsChangeFinding.Create(context, change) is { } finding)
        {
            await findings.WriteAsync(tenantId, [finding], cancellationToken);
        }

        registry.Apply(saved);
        return new DetectorSettingsSaveResult(errors, saved, change, current, false);
    }
}

/// <summary>
/// The outcome of <see cref="DetectorSettingsCatalogue.SaveAsync"/>: validation errors by setting; or a
/// conflict (<see cref="Conflict"/>, with the newer stored settings); or the stored settings, the change
/// and the settings before it.
/// </summary>
public sealed record DetectorSettingsSaveResult(
    IReadOnlyDictionary<string, string[]> Errors,
    StoredDetectorSettings? Stored,
    DetectorSettingsChange? Change,
    StoredDetectorSettings? Previous,
    bool Conflict)
{
    public bool Succeeded => Errors.Count == 0 && !Conflict && Stored is not null;
}
