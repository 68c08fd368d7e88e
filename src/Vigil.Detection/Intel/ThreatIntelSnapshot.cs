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
/// An immutable, compiled view of a tenant's threat lists. IP entries are grouped by prefix length,
/// and a lookup masks the address once per prefix length in use, longest first. Domain entries are
/// looked up by the query name and each of its parent domains. Lookups of an IP address or of an
/// ASCII name allocate nothing.
/// </summary>
public sealed class ThreatIntelSnapshot
{
    private readonly PrefixTable<uint> ipv4;
    private readonly PrefixTable<UInt128> ipv6;
    private readonly DomainTable domains;

    private ThreatIntelSnapshot(PrefixTable<uint> ipv4, PrefixTable<UInt128> ipv6, DomainTable domains, IReadOnlyList<ThreatListInfo> lists)
    {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.domains = domains;
        Lists = lists;
    }

    public static ThreatIntelSnapshot Empty { get; } = Build([]);

    /// <summary>The lists compiled into this snapshot.</summary>
    public IReadOnlyList<ThreatListInfo> Lists { get; }

    /// <summary>The number of distinct networks and domains compiled into this snapshot.</summary>
    public int EntryCount => ipv4.Count + ipv6.Count + domains.Count;

    /// <summary>The number of distinct domains compiled into this snapshot.</summary>
    public int DomainEntryCount => domains.Count;

    /// <summary>
    /// Compiles parsed lists. When two lists contain the same network or domain, the first list wins,
    /// and within a list the first entry wins.
    /// </summary>
    public static ThreatIntelSnapshot Build(IReadOnlyList<(ThreatListInfo Info, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<DomainListEntry> Domains)> lists)
    {
        var v4 = new Dictionary<int, Dictionary<uint, ThreatMatch>>();
        var v6 = new Dictionary<int, Dictionary<UInt128, ThreatMatch>>();
        var byDomain = new Dictionary<string, ThreatMatch>(StringComparer.OrdinalIgnoreCase);
        foreach (var (info, entries, domainEntries) in lists)
        {
            foreach (var domain in domainEntries)
            {
                byDomain.TryAdd(domain.Domain, new ThreatMatch(info, domain.Text));
            }

            foreach (var entry in entries)
            {
                var match = new ThreatMatch(info, entry.Text);
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

        return new ThreatIntelSnapshot(
            new PrefixTable<uint>(v4, 32),
            new PrefixTable<UInt128>(v6, 128),
            new DomainTable(byDomain),
            [.. lists.Select(list => list.Info)]);
    }

    /// <summary>Finds the most specific entry containing the address given as text; returns false for text that is not an IP address.</summary>
    public bool TryMatch(string? addressText, out ThreatMatch match)
    {
        match = default;
        if (string.IsNullOrEmpty(addressText) || ipv4.Count + ipv6.Count == 0 || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        return TryMatch(address, out match);
    }

    public bool TryMatch(IPAddress address, out ThreatMatch match)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? ipv4.TryMatch(ToUInt32(address), out match)
            : ipv6.TryMatch(ToUInt128(address), out match);
    }

    /// <summary>
    /// Finds the listed domain that is <paramref name="queryName"/> or its nearest parent, comparing
    /// whole labels: a listed <c>bad.example.net</c> matches <c>bad.example.net</c> and
    /// <c>www.bad.example.net</c>, but not <c>notbad.example.net</c> or <c>example.net</c>.
    /// The name may have a trailing dot and ASCII letters in any case. A non-ASCII name is converted
    /// to punycode first, which allocates; pass <see cref="Vigil.Contracts.Events.DnsQueryRecord.NormalizedQueryName"/> to avoid that.
    /// </summary>
    public bool TryMatchDomain(string? queryName, out ThreatMatch match)
    {
        match = default;
        if (string.IsNullOrEmpty(queryName) || domains.Count == 0)
        {
            return false;
        }

        if (!Ascii.IsValid(queryName))
        {
            queryName = DnsQueryName.Normalize(queryName, out var valid);
            if (!valid)
            {
                return false;
            }
        }

        return domains.TryMatch(queryName, out match);
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

/// <summary>The list and the entry (as written in the list) that contained an address.</summary>
public readonly record struct ThreatMatch(ThreatListInfo List, string Entry);
