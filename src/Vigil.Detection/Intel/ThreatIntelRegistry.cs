using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// The current threat-list snapshot of every tenant in this process, and the platform lists that apply
/// to all of them. A snapshot is replaced whole, so a detector uses either the old or the new lists,
/// never a mix.
/// </summary>
public sealed class ThreatIntelRegistry
{
    private readonly ConcurrentDictionary<string, ThreatIntelSnapshot> snapshots = new(StringComparer.Ordinal);
    private readonly Lock writeLock = new();
    private ThreatIntelSnapshot empty = ThreatIntelSnapshot.Empty;

    /// <summary>The compiled platform lists every snapshot consults.</summary>
    public PlatformIntel Platform => empty.Platform;

    /// <summary>Returns the tenant's snapshot, or one with only the platform lists when the tenant has no lists.</summary>
    public ThreatIntelSnapshot For(string tenantId) =>
        snapshots.TryGetValue(tenantId, out var snapshot) ? snapshot : Volatile.Read(ref empty);

    public void Replace(string tenantId, ThreatIntelSnapshot snapshot)
    {
        lock (writeLock)
        {
            snapshots[tenantId] = snapshot.WithPlatform(empty.Platform);
        }
    }

    /// <summary>Installs new platform lists under every tenant's snapshot; the tenant lists are not compiled again.</summary>
    public void ReplacePlatform(PlatformIntel platform)
    {
        lock (writeLock)
        {
            Volatile.Write(ref empty, ThreatIntelSnapshot.Empty.WithPlatform(platform));
            foreach (var (tenantId, snapshot) in snapshots)
            {
                snapshots[tenantId] = snapshot.WithPlatform(platform);
            }
        }
    }

    /// <summary>
    /// Parses platform lists of any format and installs them for every tenant. Returns every parsed
    /// list, in the order given, with its errors and notes.
    /// </summary>
    /// <exception cref="ArgumentException">A list has the purpose custom, or a CSV list has no column chosen.</exception>
    public IReadOnlyList<ParsedList> LoadPlatform(IEnumerable<ThreatListSource> lists)
    {
        var compiled = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
        var results = new List<ParsedList>();
        foreach (var list in lists)
        {
            var parsed = ThreatListParsers.Parse(list.Format, new StringReader(list.Content), list.Name, list.Options);
            var info = new ThreatListInfo(list.Name, Sha256Of(list.Content)) { Purpose = list.Purpose, Version = list.Version };
            compiled.Add((info, parsed.Entries, parsed.Domains));
            results.Add(parsed);
        }

        ReplacePlatform(PlatformIntel.Build(compiled));
        return results;
    }

    /// <summary>Parses plain-text threat lists and installs them as the tenant's snapshot; returns the entries that were not loaded.</summary>
    public IReadOnlyList<ListError> Load(string tenantId, IEnumerable<(string Name, string Content)> lists, PlainTextListParser parser)
    {
        var compiled = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
        var errors = new List<ListError>();
        foreach (var (name, content) in lists)
        {
            var parsed = parser.Parse(new StringReader(content), name);
            compiled.Add((new ThreatListInfo(name, Sha256Of(content)), parsed.Entries, parsed.Domains));
            errors.AddRange(parsed.Errors);
        }

        Replace(tenantId, ThreatIntelSnapshot.Build(compiled));
        return errors;
    }

    /// <summary>
    /// Parses threat and trusted lists of any format and installs them as the tenant's snapshot. Returns
    /// every parsed list, in the order given, with its errors and notes.
    /// </summary>
    /// <exception cref="ArgumentException">A <see cref="ThreatListFormat.Csv"/> list has no column chosen in its options.</exception>
    public IReadOnlyList<ParsedList> Load(string tenantId, IEnumerable<ThreatListSource> lists)
    {
        var threats = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
        var trusted = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
        var results = new List<ParsedList>();
        foreach (var list in lists)
        {
            var parsed = ThreatListParsers.Parse(list.Format, new StringReader(list.Content), list.Name, list.Options);
            var compiled = (new ThreatListInfo(list.Name, Sha256Of(list.Content)) { Version = list.Version }, parsed.Entries, parsed.Domains);
            (list.Kind == ThreatListKind.Trusted ? trusted : threats).Add(compiled);
            results.Add(parsed);
        }

        Replace(tenantId, ThreatIntelSnapshot.Build(threats, trusted));
        return results;
    }

    /// <summary>Returns the lower-case hex SHA-256 of the UTF-8 content, as list versions and evidence show it.</summary>
    public static string Sha256Of(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}

/// <summary>A list to load: its name (shown in findings), its content, its format, whether it lists threats or trusted entries, and its purpose.</summary>
public sealed record ThreatListSource(string Name, string Content)
{
    public ThreatListFormat Format { get; init; } = ThreatListFormat.Txt;

    public ThreatListKind Kind { get; init; } = ThreatListKind.Threat;

    /// <summary>Parsing options; null for the defaults. A <see cref="ThreatListFormat.Csv"/> list needs one that sets the column.</summary>
    public ListParserOptions? Options { get; init; }

    /// <summary>What a platform list's entries are known for; tenant threat lists keep <see cref="ThreatPurpose.Custom"/>.</summary>
    public ThreatPurpose Purpose { get; init; } = ThreatPurpose.Custom;

    /// <summary>The stored version number, shown in evidence; null when the list did not come from the database.</summary>
    public int? Version { get; init; }
}
