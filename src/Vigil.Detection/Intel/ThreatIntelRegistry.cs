using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// The current threat-list snapshot of every tenant in this process. A snapshot is replaced whole,
/// so a detector sees either the old or the new lists, never a mix.
/// </summary>
public sealed class ThreatIntelRegistry
{
    private readonly ConcurrentDictionary<string, ThreatIntelSnapshot> snapshots = new(StringComparer.Ordinal);

    /// <summary>Returns the tenant's snapshot, or an empty one when the tenant has no lists.</summary>
    public ThreatIntelSnapshot For(string tenantId) =>
        snapshots.TryGetValue(tenantId, out var snapshot) ? snapshot : ThreatIntelSnapshot.Empty;

    public void Replace(string tenantId, ThreatIntelSnapshot snapshot) => snapshots[tenantId] = snapshot;

    /// <summary>Parses plain-text lists and installs them as the tenant's snapshot; returns the lines that were not loaded.</summary>
    public IReadOnlyList<ListError> Load(string tenantId, IEnumerable<(string Name, string Content)> lists, PlainTextListParser parser)
    {
        var compiled = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
        var errors = new List<ListError>();
        foreach (var (name, content) in lists)
        {
            var parsed = parser.Parse(new StringReader(content), name);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
            compiled.Add((new ThreatListInfo(name, sha256), parsed.Entries, parsed.Domains));
            errors.AddRange(parsed.Errors);
        }

        Replace(tenantId, ThreatIntelSnapshot.Build(compiled));
        return errors;
    }
}
