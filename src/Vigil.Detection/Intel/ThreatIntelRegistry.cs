using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// The current threat-list snapshot of every tenant in this process. A snapshot is replaced whole,
/// so a detector uses either the old or the new lists, never a mix.
/// </summary>
public sealed class ThreatIntelRegistry
{
    private readonly ConcurrentDictionary<string, ThreatIntelSnapshot> snapshots = new(StringComparer.Ordinal);

    /// <summary>Returns the tenant's snapshot, or an empty one when the tenant has no lists.</summary>
    public ThreatIntelSnapshot For(string tenantId) =>
        snapshots.TryGetValue(tenantId, out var snapshot) ? snapshot : ThreatIntelSnapshot.Empty;

    public void Replace(string tenantId, ThreatIntelSnapshot snapshot) => snapshots[tenantId] = snapshot;

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
            var compiled = (new ThreatListInfo(list.Name, Sha256Of(list.Content)), parsed.Entries, parsed.Domains);
            (list.Kind == ThreatListKind.Trusted ? trusted : threats).Add(compiled);
            results.Add(parsed);
        }

        Replace(tenantId, ThreatIntelSnapshot.Build(threats, trusted));
        return results;
    }

    private static string Sha256Of(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}

/// <summary>A list to load: its name (shown in findings), its content, its format and whether it lists threats or trusted entries.</summary>
public sealed record ThreatListSource(string Name, string Content)
{
    public ThreatListFormat Format { get; init; } = ThreatListFormat.Txt;

    public ThreatListKind Kind { get; init; } = ThreatListKind.Threat;

    /// <summary>Parsing options; null for the defaults. A <see cref="ThreatListFormat.Csv"/> list needs one that sets the column.</summary>
    public ListParserOptions? Options { get; init; }
}
