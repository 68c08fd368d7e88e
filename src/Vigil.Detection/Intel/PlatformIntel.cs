using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// The compiled platform lists: the lists the platform operator manages for every tenant, one table
/// of entries for each <see cref="ThreatPurpose"/>. It is built once for all tenants and shared by
/// their snapshots, which apply each tenant's trusted lists on top.
/// </summary>
public sealed class PlatformIntel
{
    private readonly ThreatIntelSnapshot.EntryTables[] tables;

    private PlatformIntel(ThreatIntelSnapshot.EntryTables[] tables, IReadOnlyList<ThreatListInfo> lists)
    {
        this.tables = tables;
        Lists = lists;
    }

    public static PlatformIntel Empty { get; } = Build([]);

    /// <summary>The platform lists compiled into this view, in the order given to <see cref="Build"/>.</summary>
    public IReadOnlyList<ThreatListInfo> Lists { get; }

    /// <summary>The number of distinct networks and domains of all purposes.</summary>
    public int EntryCount => tables.Sum(table => table.Count);

    /// <summary>
    /// Compiles parsed platform lists, grouped by <see cref="ThreatListInfo.Purpose"/>. Lists with the
    /// purpose <see cref="ThreatPurpose.Custom"/> are rejected, because that purpose means a tenant list.
    /// Within a purpose, the first list wins when two lists contain the same network or domain.
    /// </summary>
    /// <exception cref="ArgumentException">A list has the purpose <see cref="ThreatPurpose.Custom"/>.</exception>
    public static PlatformIntel Build(IReadOnlyList<(ThreatListInfo Info, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<DomainListEntry> Domains)> lists)
    {
        var custom = lists.FirstOrDefault(list => list.Info.Purpose == ThreatPurpose.Custom);
        if (custom.Info is not null)
        {
            throw new ArgumentException($"Platform list '{custom.Info.Name}' has the purpose custom, which only tenant lists have; give it a platform purpose.", nameof(lists));
        }

        var purposes = Enum.GetValues<ThreatPurpose>();
        var compiled = new ThreatIntelSnapshot.EntryTables[purposes.Length];
        foreach (var purpose in purposes)
        {
            var ofPurpose = lists.Where(list => list.Info.Purpose == purpose).ToList();
            compiled[(int)purpose] = ofPurpose.Count == 0 ? ThreatIntelSnapshot.EntryTables.Empty : ThreatIntelSnapshot.EntryTables.Compile(ofPurpose);
        }

        return new PlatformIntel(compiled, [.. lists.Select(list => list.Info)]);
    }

    /// <summary>The number of distinct networks and domains of one purpose.</summary>
    public int EntryCountOf(ThreatPurpose purpose) => Tables(purpose).Count;

    internal ThreatIntelSnapshot.EntryTables Tables(ThreatPurpose purpose) => tables[(int)purpose];
}
