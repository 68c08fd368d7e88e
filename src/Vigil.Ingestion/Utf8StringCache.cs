using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Ingestion;

/// <summary>
/// Returns one string instance for values that repeat from record to record (account ids,
/// interface ids, actions, addresses), so a reader allocates each such string once instead of
/// once per record. There are tables for short and for long UTF-8 keys, one for UTF-16 keys and one
/// for IPv4 addresses, each of <see cref="Slots"/> entries of at most <see cref="MaxCachedBytes"/> bytes
/// or characters, so the memory stays bounded. The UTF-8 and IPv4 tables are two-way set-associative:
/// a value can sit in either slot of the pair that its hash picks, and a new value evicts the older of
/// the two. The UTF-16 table is direct-mapped, so a new value replaces the one in its slot.
/// </summary>
/// <remarks>Not thread-safe; <see cref="ForCurrentThread"/> gives each thread its own.</remarks>
internal sealed class Utf8StringCache
{
    /// <summary>Values longer than this are decoded without the cache, because long values rarely repeat.</summary>
    public const int MaxCachedBytes = 128;

    public const int Slots = 1 << SlotBits;

    /// <summary>UTF-8 keys up to this length are stored in the table entry itself; interface ids have 21 bytes.</summary>
    internal const int MaxShortKeyBytes = 23;

    private const int SlotBits = 13;

    [ThreadStatic]
    private static Utf8StringCache? current;

    // A lookup of a short key compares the bytes in the entry, without reading the string, so it
    // touches one or two cache lines instead of also the string's.
    private readonly ShortEntry[] shortEntries = new ShortEntry[Slots];

    // Keys longer than MaxShortKeyBytes, with their full hash beside each value, so a lookup compares
    // the key only when the hashes match. Allocated on first use, because most flow log values are short.
    private LongEntry[]? longEntries;

    // Values looked up by UTF-16 text (Parquet columns), which are their own keys. Allocated on first use.
    private string?[]? textValues;

    // IPv4 addresses in their one canonical spelling, keyed by the address.
    private readonly Ipv4Entry[] ipv4Entries = new Ipv4Entry[Slots];

    /// <summary>
    /// The cache of the calling thread. Use it only in synchronous code between awaits, because an
    /// await can resume on another thread.
    /// </summary>
    public static Utf8StringCache ForCurrentThread => current ??= new Utf8StringCache();

    /// <summary>Returns the string of <paramref name="utf8"/>, which the caller has checked is valid UTF-8.</summary>
    public string Get(ReadOnlySpan<byte> utf8) => Get(utf8, IsCachedLength(utf8.Length) ? Hash(utf8) : 0);

    /// <summary>
    /// Returns the hash of <paramref name="utf8"/> for <see cref="Get(ReadOnlySpan{byte}, ulong)"/> and
    /// starts loading its table entry, so that a lookup made after other work finds the entry in the
    /// processor's cache instead of waiting for memory.
    /// </summary>
    public ulong Prepare(ReadOnlySpan<byte> utf8)
    {
        if (!IsCachedLength(utf8.Length))
        {
            // Get does not look such a value up, so its hash is not needed.
            return 0;
        }

        var hash = Hash(utf8);
        if (utf8.Length <= MaxShortKeyBytes)
        {
            // The value is not needed yet, so the processor goes on while the cache line arrives.
            _ = Volatile.Read(ref shortEntries[(int)hash & (Slots - 2)].Value);
        }

        return hash;
    }

    /// <summary>The same as <see cref="Get(ReadOnlySpan{byte})"/>, with the hash that <see cref="Prepare"/> returned for <paramref name="utf8"/>.</summary>
    public string Get(ReadOnlySpan<byte> utf8, ulong hash)
    {
        if (utf8.Length == 0)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxCachedBytes)
        {
            // Long values rarely repeat, so they are decoded without the cache.
            return Encoding.UTF8.GetString(utf8);
        }

        var pair = (int)hash & (Slots - 2);
        return utf8.Length <= MaxShortKeyBytes ? GetShort(utf8, pair) : GetLong(utf8, hash, pair);
    }

    private string GetShort(ReadOnlySpan<byte> utf8, int pair)
    {
        ref var first = ref shortEntries[pair];
        if (first.Matches(utf8))
        {
            return first.Value!;
        }

        ref var second = ref shortEntries[pair + 1];
        if (second.Matches(utf8))
        {
            return second.Value!;
        }

        var text = Encoding.UTF8.GetString(utf8);
        second = first;
        first.Value = text;
        first.Key[0] = (byte)utf8.Length;
        utf8.CopyTo(first.Key[1..]);
        return text;
    }

    private string GetLong(ReadOnlySpan<byte> utf8, ulong hash, int pair)
    {
        var entries = longEntries ??= new LongEntry[Slots];
        if (entries[pair].Matches(hash, utf8))
        {
            return entries[pair].Value!;
        }

        if (entries[pair + 1].Matches(hash, utf8))
        {
            return entries[pair + 1].Value!;
        }

        var text = Encoding.UTF8.GetString(utf8);
        entries[pair + 1] = entries[pair];
        entries[pair] = new LongEntry(hash, text, Ascii.IsValid(utf8) ? null : utf8.ToArray());
        return text;
    }

    /// <summary>
    /// Returns the string of <paramref name="utf8"/>, which the caller has parsed as <paramref name="address"/>
    /// and checked is the address's only spelling (no leading zeros), so the address alone keys the table.
    /// </summary>
    public string GetIpv4(uint address, ReadOnlySpan<byte> utf8)
    {
        var pair = Ipv4Pair(address);
        return FindIpv4(pair, address) ?? AddIpv4(pair, address, Encoding.ASCII.GetString(utf8));
    }

    /// <summary>True for a value of 1 to <see cref="MaxCachedBytes"/> bytes, which the UTF-8 tables cache.</summary>
    private static bool IsCachedLength(int length) => length is > 0 and <= MaxCachedBytes;

    /// <summary>The same as <see cref="GetIpv4(uint, ReadOnlySpan{byte})"/> for an address given as UTF-16 text.</summary>
    public string GetIpv4(uint address, ReadOnlySpan<char> text)
    {
        var pair = Ipv4Pair(address);
        return FindIpv4(pair, address) ?? AddIpv4(pair, address, new string(text));
    }

    // Fibonacci hashing: the top bits of the product mix every byte of the address.
    private static int Ipv4Pair(uint address) => (int)((address * 0x9E3779B1u) >> (32 - SlotBits)) & (Slots - 2);

    private string? FindIpv4(int pair, uint address)
    {
        ref var first = ref ipv4Entries[pair];
        if (first.Address == address && first.Value is { } value)
        {
            return value;
        }

        ref var second = ref ipv4Entries[pair + 1];
        return second.Address == address ? second.Value : null;
    }

    private string AddIpv4(int pair, uint address, string text)
    {
        ipv4Entries[pair + 1] = ipv4Entries[pair];
        ipv4Entries[pair] = new Ipv4Entry(address, text);
        return text;
    }

    /// <summary>Returns the string of <paramref name="text"/>, from a table of its own beside the UTF-8 one.</summary>
    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length == 0)
        {
            return string.Empty;
        }

        if (text.Length > MaxCachedBytes)
        {
            return new string(text);
        }

        textValues ??= new string?[Slots];
        var slot = (int)(Hash(MemoryMarshal.AsBytes(text)) & (Slots - 1));
        if (textValues[slot] is { } cached && text.SequenceEqual(cached))
        {
            return cached;
        }

        var value = new string(text);
        textValues[slot] = value;
        return value;
    }

    /// <summary>The number of cached values, at most four times <see cref="Slots"/>; for tests of the bound.</summary>
    internal int Count =>
        shortEntries.Count(entry => entry.Value is not null)
        + (longEntries?.Count(entry => entry.Value is not null) ?? 0)
        + (textValues?.Count(value => value is not null) ?? 0)
        + ipv4Entries.Count(entry => entry.Value is not null);

    /// <summary>
    /// Mixes the bytes eight at a time, the last eight overlapping the ones before when the length is
    /// not a multiple of eight. The hash only picks a slot, so its quality affects only the hit rate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Hash(ReadOnlySpan<byte> utf8)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15;
        var hash = (ulong)utf8.Length * Multiplier;
        if (utf8.Length < sizeof(ulong))
        {
            ulong packed = 0;
            foreach (var value in utf8)
            {
                packed = (packed << 8) | value;
            }

            return Finish((BitOperations.RotateLeft(hash, 23) ^ packed) * Multiplier);
        }

        var last = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^sizeof(ulong)..]);
        while (utf8.Length > sizeof(ulong))
        {
            hash = (BitOperations.RotateLeft(hash, 23) ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8)) * Multiplier;
            utf8 = utf8[sizeof(ulong)..];
        }

        return Finish((BitOperations.RotateLeft(hash, 23) ^ last) * Multiplier);

        // A product's low bits depend only on the low bits of its factors, so the high half is folded
        // down and mixed once more: the slot bits then depend on every byte of the last word.
        static ulong Finish(ulong hash)
        {
            hash = (hash ^ (hash >> 32)) * Multiplier;
            return hash ^ (hash >> 29);
        }
    }

    /// <summary>A cached value of at most <see cref="MaxShortKeyBytes"/> UTF-8 bytes, with its key's length and bytes.</summary>
    private struct ShortEntry
    {
        public string? Value;

        /// <summary>The key's length in byte 0, then its bytes. A length of 0 marks an empty entry, because empty keys are not cached.</summary>
        public ShortKey Key;

        /// <summary>
        /// Compares the key with <paramref name="utf8"/>. A key of 8 to 23 bytes is compared as two or
        /// three words of 8 bytes, the last ending with the key and overlapping the one before.
        /// </summary>
        public readonly bool Matches(ReadOnlySpan<byte> utf8)
        {
            ReadOnlySpan<byte> key = Key;
            var length = utf8.Length;
            if (key[0] != length)
            {
                return false;
            }

            if (length < sizeof(ulong))
            {
                return utf8.SequenceEqual(key.Slice(1, length));
            }

            ref var keyBytes = ref Unsafe.Add(ref MemoryMarshal.GetReference(key), 1);
            ref var bytes = ref MemoryMarshal.GetReference(utf8);
            var tail = length - sizeof(ulong);
            return Unsafe.ReadUnaligned<ulong>(ref keyBytes) == Unsafe.ReadUnaligned<ulong>(ref bytes)
                && Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref keyBytes, tail)) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, tail))
                && (length <= 2 * sizeof(ulong)
                    || Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref keyBytes, sizeof(ulong))) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, sizeof(ulong))));
        }
    }

    [InlineArray(MaxShortKeyBytes + 1)]
    private struct ShortKey
    {
        private byte element;
    }

    /// <summary>A cached value of more than <see cref="MaxShortKeyBytes"/> UTF-8 bytes. <see cref="Utf8"/> is a copy of the key bytes, kept only when they are not all ASCII.</summary>
    private readonly record struct LongEntry(ulong Hash, string? Value, byte[]? Utf8)
    {
        /// <summary>True when this entry contains <paramref name="utf8"/>, whose hash is <paramref name="hash"/>.</summary>
        public bool Matches(ulong hash, ReadOnlySpan<byte> utf8) =>
            Hash == hash && Value is { } value && (Utf8 is null ? Ascii.Equals(utf8, value) : utf8.SequenceEqual(Utf8));
    }

    private readonly record struct Ipv4Entry(uint Address, string? Value);
}
