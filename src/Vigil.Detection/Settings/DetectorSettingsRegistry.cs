using System.Collections.Concurrent;
using Vigil.Contracts.Storage;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Settings;

/// <summary>
/// The detectors of every tenant on one silo, built from the stored settings. Grains ask for their
/// tenant's on every batch, so a replaced entry applies from the next batch on. Thread-safe.
/// </summary>
public sealed class DetectorSettingsRegistry(ProfileOptions profileDefaults)
{
    private readonly ConcurrentDictionary<string, TenantDetectors> tenants = new(StringComparer.Ordinal);
    private readonly TenantDetectors defaults = TenantDetectors.Build(DetectorSettings.Defaults, 0, FlowThresholdOptions.Default, profileDefaults);

    /// <summary>The flow thresholds that apply where a tenant set none.</summary>
    public FlowThresholdOptions FlowDefaults => FlowThresholdOptions.Default;

    /// <summary>The profile options that apply where a tenant set none.</summary>
    public ProfileOptions ProfileDefaults => profileDefaults;

    /// <summary>The tenant's detectors; the defaults for a tenant without settings.</summary>
    public TenantDetectors For(string tenantId) => tenants.TryGetValue(tenantId, out var detectors) ? detectors : defaults;

    /// <summary>Builds and installs a tenant's detectors unless the same version is installed already; true when it replaced them.</summary>
    public bool Apply(StoredDetectorSettings stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (tenants.TryGetValue(stored.TenantId, out var current) && current.Version >= stored.Version)
        {
            return false;
        }

        // The refresh service and a console change may apply at once; the newer version wins either way.
        var built = TenantDetectors.Build(stored.Settings, stored.Version, FlowDefaults, profileDefaults);
        var installed = tenants.AddOrUpdate(stored.TenantId, built, (_, existing) => existing.Version >= built.Version ? existing : built);
        return ReferenceEquals(installed, built);
    }

    /// <summary>Applies every tenant's stored settings; returns the tenants whose detectors were replaced.</summary>
    public IReadOnlyList<string> ApplyAll(IReadOnlyList<StoredDetectorSettings> stored)
    {
        var replaced = new List<string>();
        foreach (var settings in stored)
        {
            if (Apply(settings))
            {
                replaced.Add(settings.TenantId);
            }
        }

        return replaced;
    }
}
