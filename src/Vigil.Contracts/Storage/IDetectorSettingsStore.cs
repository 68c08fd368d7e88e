namespace Vigil.Contracts.Storage;

/// <summary>
/// Each tenant's detector settings: thresholds of the flow detectors, the learning period of behaviour
/// profiles and the finding types turned off. A tenant without stored settings uses the defaults.
/// </summary>
public interface IDetectorSettingsStore
{
    /// <summary>Returns the tenant's stored settings, or null when it uses the defaults.</summary>
    Task<StoredDetectorSettings?> FindAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Returns the stored settings of every tenant, for the silos to apply.</summary>
    Task<IReadOnlyList<StoredDetectorSettings>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores the tenant's settings when its stored version is still <paramref name="expectedVersion"/>
    /// (0 when none are stored), and returns them with the next version. Returns null when another change
    /// came first, so a change made on a stale page does not silently replace a newer one.
    /// </summary>
    Task<StoredDetectorSettings?> SaveAsync(string tenantId, DetectorSettings settings, int expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// What a tenant sets. A null value means the platform default; docs/findings.md lists the defaults and
/// the ranges allowed.
/// </summary>
public sealed record DetectorSettings
{
    /// <summary>Settings that change nothing: every value is the default.</summary>
    public static DetectorSettings Defaults { get; } = new();

    /// <summary>Distinct ports of one remote host that make Recon:EC2/Portscan.</summary>
    public int? PortscanPorts { get; init; }

    /// <summary>Distinct public hosts on one port that make Impact:EC2/PortSweep.</summary>
    public int? PortSweepHosts { get; init; }

    /// <summary>Accepted connections with one host on the SSH, RDP or WinRM port that make brute force.</summary>
    public int? BruteForceConnections { get; init; }

    /// <summary>Packets to one public host by one kind of traffic that make a denial-of-service finding.</summary>
    public long? DenialOfServicePackets { get; init; }

    /// <summary>Days of event time a behaviour profile learns before it raises anomaly findings.</summary>
    public int? LearningDays { get; init; }

    /// <summary>Finding types the tenant turned off, by their full type name.</summary>
    public IReadOnlyList<string> DisabledFindingTypes { get; init; } = [];
}

/// <summary>A tenant's stored settings with their version and who changed them last.</summary>
public sealed record StoredDetectorSettings(string TenantId, DetectorSettings Settings, int Version, DateTimeOffset UpdatedAt, string UpdatedBy);
