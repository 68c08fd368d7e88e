using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Net;
using System.Numerics;
using System.Net.Sockets;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// An immutable, compiled view of a tenant's IP threat lists. Entries are grouped by prefix length,
/// and a lookup masks the address once per prefix length in use, longest first, so it allocates nothing.
/// </summary>
public sealed class ThreatIntelSnapshot
{
    private readonly PrefixTable<uint> ipv4;
    private readonly PrefixTable<UInt128> ipv6;

    private ThreatIntelSnapshot(PrefixTable<uint> ipv4, PrefixTable<UInt128> ipv6, IReadOnlyList<ThreatListInfo> lists)
    {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        Lists = lists;
    }

    public static ThreatIntelSnapshot Empty { get; } = Build([]);

    /// <summary>The lists compiled into this snapshot.</summary>
    public IReadOnlyList<ThreatListInfo> Lists { get; }

    public int EntryCount => ipv4.Count + ipv6.Count;

    /// <summary>Compiles parsed lists; when two lists contain the same network, the first list wins.</summary>
    public static ThreatIntelSnapshot Build(IReadOnlyList<(ThreatListInfo Info, IReadOnlyList<IpListEntry> Entries)> lists)
    {
        var v4 = new Dictionary<int, Dictionary<uint, ThreatMatch>>();
        var v6 = new Dictionary<int, Dictionary<UInt128, ThreatMatch>>();
        foreach (var (info, entries) in lists)
        {
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

        return new ThreatIntelSnapshot(new PrefixTable<uint>(v4, 32), new PrefixTable<UInt128>(v6, 128), [.. lists.Select(list => list.Info)]);
    }

    /// <summary>Finds the most specific entry containing the address given as text; returns false for text that is not an IP address.</summary>
    public bool TryMatch(string? addressText, out ThreatMatch match)
    {
        match = default;
        if (string.IsNullOrEmpty(addressText) || EntryCount == 0 || !IPAddress.TryParse(addressText, out var address))
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
