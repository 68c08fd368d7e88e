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
/// An immutable, compiled view of a tenant's threat and trusted lists, together with the platform
/// lists that apply to every tenant (<see cref="PlatformIntel"/>). IP entries are grouped by prefix
/// length, and a lookup masks the address once per prefix length in use, longest first. Domain entries
/// are looked up by the query name and each of its parent domains. Lookups of an IP address, of IP
/// address text in the usual forms or of an ASCII name allocate nothing.
/// </summary>
/// <remarks>
/// A trusted entry wins over every threat entry, the platform's included: an address or name contained
/// in a trusted entry never matches as a threat, whichever list is more specific. A trusted 198.51.100.12
/// inside a threat 198.51.100.0/24 exempts only .12, and a trusted good.bad.example.net inside a threat
/// bad.example.net exempts that name and its subdomains.
/// </remarks>
public sealed class ThreatIntelSnapshot
{
    private readonly EntryTables threats;
    private readonly EntryTables trusted;

    private ThreatIntelSnapshot(EntryTables threats, EntryTables trusted, IReadOnlyList<ThreatListInfo> lists, IReadOnlyList<ThreatListInfo> trustedLists, PlatformIntel platform)
    {
        this.threats = threats;
        this.trusted = trusted;
        Lists = lists;
        TrustedLists = trustedLists;
        Platform = platform;
    }

    public static ThreatIntelSnapshot Empty { get; } = Build([]);

    /// <summary>The tenant's threat lists compiled into this snapshot.</summary>
    public IReadOnlyList<ThreatListInfo> Lists { get; }

    /// <summary>The tenant's trusted lists compiled into this snapshot.</summary>
    public IReadOnlyList<ThreatListInfo> TrustedLists { get; }

    /// <summary>The platform lists this snapshot consults for <see cref="TryMatch(string?, ThreatPurpose, out ThreatMatch)"/>.</summary>
    public PlatformIntel Platform { get; }

    /// <summary>The number of distinct networks and domains in the tenant's threat lists.</summary>
    public int EntryCount => threats.Count;

    /// <summary>The number of distinct domains in the tenant's threat lists.</summary>
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
            [.. trustedLists.Select(list => list.Info)],
            PlatformIntel.Empty);

    /// <summary>Returns a snapshot with the same tenant lists and the given platform lists; nothing is compiled again.</summary>
    public ThreatIntelSnapshot WithPlatform(PlatformIntel platform) =>
        ReferenceEquals(platform, Platform) ? this : new(threats, trusted, Lists, TrustedLists, platform);

    /// <summary>True when a platform list of the purpose has at least one entry, so detectors can skip lookups that cannot match.</summary>
    public bool HasPlatformEntries(ThreatPurpose purpose) => Platform.Tables(purpose).Count > 0;

    /// <summary>
    /// Finds the most specific entry of the tenant's threat lists containing the address given as text.
    /// Returns false for text that is not an IP address, and for an address in a trusted entry.
    /// </summary>
    public bool TryMatch(string? addressText, out ThreatMatch match) => TryMatch(threats, addressText, out match);

    /// <summary>Finds the most specific entry of the tenant's threat lists containing the address; returns false for an address in a trusted entry.</summary>
    public bool TryMatch(IPAddress address, out ThreatMatch match) => TryMatch(threats, IpAddressKey.From(address), out match);

    /// <summary>
    /// Finds the most specific entry of the platform lists of <paramref name="purpose"/> containing the
    /// address given as text; <see cref="ThreatPurpose.Custom"/> means the tenant's own threat lists.
    /// Returns false for text that is not an IP address, and for an address in a trusted entry.
    /// </summary>
    public bool TryMatch(string? addressText, ThreatPurpose purpose, out ThreatMatch match) => TryMatch(TablesFor(purpose), addressText, out match);

    /// <summary>Finds the most specific trusted entry containing the address.</summary>
    public bool TryMatchTrusted(IPAddress address, out ThreatMatch match) => trusted.TryMatch(IpAddressKey.From(address), out match);

    /// <summary>Finds the most specific trusted entry containing the address given as text; returns false for text that is not an IP address.</summary>
    public bool TryMatchTrusted(string? addressText, out ThreatMatch match)
    {
        match = default;
        return !string.IsNullOrEmpty(addressText) && trusted.AddressCount > 0 && IpAddressKey.TryParse(addressText, out var key) && trusted.TryMatch(key, out match);
    }

    /// <summary>
    /// Finds the threat domain of the tenant's threat lists that is <paramref name="queryName"/> or its
    /// nearest parent, comparing whole labels: a listed <c>bad.example.net</c> matches <c>bad.example.net</c>
    /// and <c>www.bad.example.net</c>, but not <c>notbad.example.net</c> or <c>example.net</c>. A name that a
    /// trusted domain covers does not match. The name may have a trailing dot and ASCII letters in any
    /// case. A non-ASCII name is converted to punycode first, which allocates; pass
    /// <see cref="Vigil.Contracts.Events.DnsQueryRecord.NormalizedQueryName"/> to avoid that.
    /// </summary>
    public bool TryMatchDomain(string? queryName, out ThreatMatch match) => TryMatchDomain(threats, queryName, out match);

    /// <summary>Finds the domain of the platform lists of <paramref name="purpose"/> that is the name or its nearest parent, as the tenant overload compares names.</summary>
    public bool TryMatchDomain(string? queryName, ThreatPurpose purpose, out ThreatMatch match) => TryMatchDomain(TablesFor(purpose), queryName, out match);

    /// <summary>Finds the trusted domain that is <paramref name="queryName"/> or its nearest parent, as <see cref="TryMatchDomain(string?, out ThreatMatch)"/> compares names.</summary>
    public bool TryMatchTrustedDomain(string? queryName, out ThreatMatch match)
    {
        match = default;
        return trusted.Domains.Count > 0 && TryNormalize(queryName, out var name) && trusted.Domains.TryMatch(name, out match);
    }

    private EntryTables TablesFor(ThreatPurpose purpose) => purpose == ThreatPurpose.Custom ? threats : Platform.Tables(purpose);

    private bool TryMatch(EntryTables tables, string? addressText, out ThreatMatch match)
    {
        match = default;
        if (string.IsNullOrEmpty(addressText) || tables.AddressCount == 0 || !IpAddressKey.TryParse(addressText, out var key))
        {
            ThreatLookupInstruments.Record(ThreatLookupKind.Address, ThreatLookupResult.None);
            return false;
        }

        return TryMatch(tables, key, out match);
    }

    private bool TryMatch(EntryTables tables, IpAddressKey key, out ThreatMatch match)
    {
        if (!tables.TryMatch(key, out match))
        {
            ThreatLookupInstruments.Record(ThreatLookupKind.Address, ThreatLookupResult.None);
            return false;
        }

        if (trusted.AddressCount > 0 && trusted.TryMatch(key, out _))
        {
            match = default;
            ThreatLookupInstruments.Record(ThreatLookupKind.Address, ThreatLookupResult.Trusted);
            return false;
        }

        ThreatLookupInstruments.Record(ThreatLookupKind.Address, ThreatLookupResult.Match);
        return true;
    }

    private bool TryMatchDomain(EntryTables tables, string? queryName, out ThreatMatch match)
    {
        match = default;
        if (tables.Domains.Count == 0 || !TryNormalize(queryName, out var name) || !tables.Domains.TryMatch(name, out match))
        {
            ThreatLookupInstruments.Record(ThreatLookupKind.Domain, ThreatLookupResult.None);
            return false;
        }

        if (trusted.Domains.Count > 0 && trusted.Domains.TryMatch(name, out _))
        {
            match = default;
            ThreatLookupInstruments.Record(ThreatLookupKind.Domain, ThreatLookupResult.Trusted);
            return false;
        }

        ThreatLookupInstruments.Record(ThreatLookupKind.Domain, ThreatLookupResult.Match);
        return true;
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
    internal sealed class EntryTables
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

        public static EntryTables Empty { get; } = Compile([]);

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

        /// <summary>Finds the most specific network containing the address.</summary>
        public bool TryMatch(IpAddressKey address, out ThreatMatch match)
        {
            if (address.IsIPv6)
            {
                return ipv6.TryMatch(address.IPv6, out match);
            }

            return ipv4.TryMatch(address.IPv4, out match);
        }
    }

    /// <summary>
    /// Listed domains keyed by their normalised name. The keys compare ASCII letters without regard to
    /// case, and a lookup reads each parent domain of the name as a slice of it, so it allocates nothing.
    /// </summary>
    internal sealed class DomainTable
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
public sealed record ThreatListInfo(string Name, string? Sha256)
{
    /// <summary>What the list's entries are known for; <see cref="ThreatPurpose.Custom"/> for a tenant's own lists.</summary>
    public ThreatPurpose Purpose { get; init; } = ThreatPurpose.Custom;

    /// <summary>The stored version number of the list, or null for lists that were not loaded from the database.</summary>
    public int? Version { get; init; }
}

/// <summary>The list and the entry (as written in the list) that contained an address or name.</summary>
public readonly record struct ThreatMatch(ThreatListInfo List, string Entry)
{
    /// <summary>The port written with the entry, if any; it is evidence only, since lookups ignore ports.</summary>
    public int? Port { get; init; }

    /// <summary>The list source's description of the entry (indicator name, category or activity), if its format has such a field.</summary>
    public string? Description { get; init; }
}
