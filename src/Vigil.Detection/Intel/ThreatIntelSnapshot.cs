using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Net;
using System.Numerics;
using System.Net.Sockets;
using System.Text;
using Vigil.Ingestion.Route53;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// An immutable, compiled view of a tenant's threat and trusted lists. IP entries are grouped by prefix
/// length, and a lookup masks the address once per prefix length in use, longest first. Domain entries
/// are looked up by the query name and each of its parent domains. Lookups of an IP address or of an
/// ASCII name allocate nothing.
/// </summary>
/// <remarks>
/// A trusted entry wins over every threat entry: an address or name contained in a trusted entry never
/// matches as a threat, whichever list is more specific. A trusted 198.51.100.12 inside a threat
/// 198.51.100.0/24 exempts only .12, and a trusted good.bad.example.net inside a threat bad.example.net
/// exempts that name and its subdomains.
/// </remarks>
public sealed class ThreatIntelSnapshot
{
    private readonly EntryTables threats;
    private readonly EntryTables trusted;

    private ThreatIntelSnapshot(EntryTables threats, EntryTables trusted, IReadOnlyList<ThreatListInfo> lists, IReadOnlyList<ThreatListInfo> trustedLists)
    {
        this.threats = threats;
        this.trusted = trusted;
        Lists = lists;
        TrustedLists = trustedLists;
    }

    public static ThreatIntelSnapshot Empty { get; } = Build([]);

    /// <summary>The threat lists compiled into this snapshot.</summary>
    public IReadOnlyList<ThreatListInfo> Lists { get; }

    /// <summary>The trusted lists compiled into this snapshot.</summary>
    public IReadOnlyList<ThreatListInfo> TrustedLists { get; }

    /// <summary>The number of distinct networks and domains in the threat lists.</summary>
    public int EntryCount => threats.Count;

    /// <summary>The number of distinct domains in the threat lists.</summary>
    public int DomainEntryCount => threats.Domains.Count;

    /// <summary>The number of distinct networks and domains in the trusted lists.</summary>
    public int TrustedEntryCount => trusted.Count;

    /// <summary>
    /// Compiles parsed threat lists. When two lists contain the same network or domain, the first list
    /// wins, and within a list the first entry wins.
    /// </summary>
    public static ThreatIntelSnapshot Build(IReadOnlyList<(ThreatListInfo Info, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<DomainListEntry> Domains)> lists) =>
        Build(lists, []);

    /// <summary>
    /// Compiles parsed threat and trusted lists. Within each kind, when two lists contain the same network
    /// or domain, the first list wins, and within a list the first entry wins.
    /// </summary>
    public static ThreatIntelSnapshot Build(
        IReadOnlyList<(ThreatListInfo Info, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<DomainListEntry> Domains)> threatLists,
        IReadOnlyList<(ThreatListInfo Info, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<DomainListEntry> Domains)> trustedLists) =>
        new(
            EntryTables.Compile(threatLists),
            EntryTables.Compile(trustedLists),
            [.. threatLists.Select(list => list.Info)],
            [.. trustedLists.Select(list => list.Info)]);

    /// <summary>
    /// Finds the most specific threat entry containing the address given as text. Returns false for text
    /// that is not an IP address, and for an address in a trusted entry.
    /// </summary>
    public bool TryMatch(string? addressText, out ThreatMatch match)
    {
        match = default;
        if (string.IsNullOrEmpty(addressText) || threats.AddressCount == 0 || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        return TryMatch(address, out match);
    }

    /// <summary>Finds the most specific threat entry containing the address; returns false for an address in a trusted entry.</summary>
    public bool TryMatch(IPAddress address, out ThreatMatch match)
    {
        address = Unmap(address);
        if (!threats.TryMatch(address, out match))
        {
            return false;
        }

        if (trusted.TryMatch(address, out _))
        {
            match = default;
            return false;
        }

        return true;
    }

    /// <summary>Finds the most specific trusted entry containing the address.</summary>
    public bool TryMatchTrusted(IPAddress address, out ThreatMatch match) => trusted.TryMatch(Unmap(address), out match);

    /// <summary>Finds the most specific trusted entry containing the address given as text; returns false for text that is not an IP address.</summary>
    public bool TryMatchTrusted(string? addressText, out ThreatMatch match)
    {
        match = default;
        return !string.IsNullOrEmpty(addressText) && trusted.AddressCount > 0 && IPAddress.TryParse(addressText, out var address) && TryMatchTrusted(address, out match);
    }

    /// <summary>
    /// Finds the threat domain that is <paramref name="queryName"/> or its nearest parent, comparing
    /// whole labels: a listed <c>bad.example.net</c> matches <c>bad.example.net</c> and
    /// <c>www.bad.example.net</c>, but not <c>notbad.example.net</c> or <c>example.net</c>. A name that a
    /// trusted domain covers does not match. The name may have a trailing dot and ASCII letters in any
    /// case. A non-ASCII name is converted to punycode first, which allocates; pass
    /// <see cref="Vigil.Contracts.Events.DnsQueryRecord.NormalizedQueryName"/> to avoid that.
    /// </summary>
    public bool TryMatchDomain(string? queryName, out ThreatMatch match)
    {
        match = default;
        if (threats.Domains.Count == 0 || !TryNormalize(queryName, out var name) || !threats.Domains.TryMatch(name, out match))
        {
            return false;
        }

        if (trusted.Domains.TryMatch(name, out _))
        {
            match = default;
            return false;
        }

        return true;
    }

    /// <summary>Finds the trusted domain that is <paramref name="queryName"/> or its nearest parent, as <see cref="TryMatchDomain"/> compares names.</summary>
    public bool TryMatchTrustedDomain(string? queryName, out ThreatMatch match)
    {
        match = default;
        return trusted.Domains.Count > 0 && TryNormalize(queryName, out var name) && trusted.Domains.TryMatch(name, out match);
    }

    private static bool TryNormalize(string? queryName, out string name)
    {
        name = queryName ?? string.Empty;
        if (name.Length == 0)
        {
            return false;
        }

        if (!Ascii.IsValid(name))
        {
            name = DnsQueryName.Normalize(name, out var valid);
            return valid;
        }

        return true;
    }

    private static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static void Add<T>(Dictionary<int, Dictionary<T, ThreatMatch>> table, int prefix, T network, ThreatMatch match)
        where T : notnull
    {
        if (!table.TryGetValue(prefix, out var entries))
        {
            entries = [];
            table[prefix] = entries;
        }

        entries.TryAdd(network, match);
    }

    private static uint ToUInt32(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static UInt128 ToUInt128(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>The compiled entries of one kind of list: networks of each address family and domains.</summary>
    private sealed class EntryTables
    {
        private readonly PrefixTable<uint> ipv4;
        private readonly PrefixTable<UInt128> ipv6;

        private EntryTables(PrefixTable<uint> ipv4, PrefixTable<UInt128> ipv6, DomainTable domains)
        {
            this.ipv4 = ipv4;
            this.ipv6 = ipv6;
            Domains = domains;
        }

        public DomainTable Domains { get; }

        public int AddressCount => ipv4.Count + ipv6.Count;

        public int Count => AddressCount + Domains.Count;

        public static EntryTables Compile(IReadOnlyList<(ThreatListInfo Info, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<DomainListEntry> Domains)> lists)
        {
            var v4 = new Dictionary<int, Dictionary<uint, ThreatMatch>>();
            var v6 = new Dictionary<int, Dictionary<UInt128, ThreatMatch>>();
            var byDomain = new Dictionary<string, ThreatMatch>(StringComparer.OrdinalIgnoreCase);
            foreach (var (info, entries, domainEntries) in lists)
            {
                foreach (var domain in domainEntries)
                {
                    byDomain.TryAdd(domain.Domain, new ThreatMatch(info, domain.Text) { Port = domain.Port, Description = domain.Description });
                }

                foreach (var entry in entries)
                {
                    var match = new ThreatMatch(info, entry.Text) { Port = entry.Port, Description = entry.Description };
                    var prefix = entry.Network.PrefixLength;
                    if (entry.Network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
                    {
                        Add(v4, prefix, ToUInt32(entry.Network.BaseAddress), match);
                    }
                    else
                    {
                        Add(v6, prefix, ToUInt128(entry.Network.BaseAddress), match);
                    }
                }
            }

            return new EntryTables(new PrefixTable<uint>(v4, 32), new PrefixTable<UInt128>(v6, 128), new DomainTable(byDomain));
        }

        /// <summary>Finds the most specific network containing the address, which must not be IPv4-mapped.</summary>
        public bool TryMatch(IPAddress address, out ThreatMatch match) =>
            address.AddressFamily == AddressFamily.InterNetwork
                ? ipv4.TryMatch(ToUInt32(address), out match)
                : ipv6.TryMatch(ToUInt128(address), out match);
    }

    /// <summary>
    /// Listed domains keyed by their normalised name. The keys compare ASCII letters without regard to
    /// case, and a lookup reads each parent domain of the name as a slice of it, so it allocates nothing.
    /// </summary>
    private sealed class DomainTable
    {
        private readonly FrozenDictionary<string, ThreatMatch>.AlternateLookup<ReadOnlySpan<char>> lookup;

        public DomainTable(Dictionary<string, ThreatMatch> byDomain)
        {
            // Keys are ASCII (non-ASCII entries are stored as punycode) and TryMatchDomain passes only
            // ASCII names, so OrdinalIgnoreCase folds exactly the ASCII letters here.
            lookup = byDomain.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
            Count = byDomain.Count;
        }

        public int Count { get; }

        /// <summary>Tries the whole name, then each parent domain from the longest to the shortest.</summary>
        public bool TryMatch(ReadOnlySpan<char> name, out ThreatMatch match)
        {
            if (name.EndsWith('.'))
            {
                name = name[..^1];
            }

            // Every entry has at least two labels, so the walk stops before the last label alone.
            while (name.Contains('.'))
            {
                if (lookup.TryGetValue(name, out match))
                {
                    return true;
                }

                name = name[(name.IndexOf('.') + 1)..];
            }

            match = default;
            return false;
        }
    }

    /// <summary>Networks of one address family, one frozen dictionary per prefix length, longest prefix first.</summary>
    private sealed class PrefixTable<T>
        where T : struct, IBinaryInteger<T>
    {
        private readonly (int Prefix, T Mask, FrozenDictionary<T, ThreatMatch> Networks)[] levels;

        public PrefixTable(Dictionary<int, Dictionary<T, ThreatMatch>> byPrefix, int bits)
        {
            levels = [.. byPrefix
                .OrderByDescending(pair => pair.Key)
                .Select(pair => (pair.Key, MaskFor(pair.Key, bits), pair.Value.ToFrozenDictionary()))];
            Count = byPrefix.Values.Sum(networks => networks.Count);
        }

        public int Count { get; }

        public bool TryMatch(T address, out ThreatMatch match)
        {
            foreach (var (_, mask, networks) in levels)
            {
                if (networks.TryGetValue(address & mask, out match))
                {
                    return true;
                }
            }

            match = default;
            return false;
        }

        private static T MaskFor(int prefix, int bits) =>
            prefix == 0 ? T.Zero : T.AllBitsSet << (bits - prefix);
    }
}

/// <summary>A list as shown in finding evidence: its name and the SHA-256 of the uploaded file.</summary>
public sealed record ThreatListInfo(string Name, string? Sha256);

/// <summary>The list and the entry (as written in the list) that contained an address or name.</summary>
public readonly record struct ThreatMatch(ThreatListInfo List, string Entry)
{
    /// <summary>The port written with the entry, if any; it is evidence only, since lookups ignore ports.</summary>
    public int? Port { get; init; }

    /// <summary>The list source's description of the entry (indicator name, category or activity), if its format has such a field.</summary>
    public string? Description { get; init; }
}
