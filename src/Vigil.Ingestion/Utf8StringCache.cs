using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Ingestion;

/// <summary>
/// Returns one string instance for values that repeat from record to record (account ids,
/// interface ids, actions, addresses), so a reader allocates each such string once instead of
/// once per record. A direct-mapped table: a new value replaces the one in its slot, so the
/// memory stays at <see cref="Slots"/> entries of at most <see cref="MaxCachedBytes"/> bytes, and as many
/// of at most <see cref="MaxCachedBytes"/> characters for text given as UTF-16.
/// </summary>
/// <remarks>Not thread-safe; <see cref="ForCurrentThread"/> gives each thread its own.</remarks>
internal sealed class Utf8StringCache
{
    /// <summary>Values longer than this are decoded without the cache, because long values rarely repeat.</summary>
    public const int MaxCachedBytes = 128;

    public const int Slots = 1 << SlotBits;

    private const int SlotBits = 13;

    [ThreadStatic]
    private static Utf8StringCache? current;

    private readonly byte[]?[] keys = new byte[Slots][];
    private readonly string?[] values = new string[Slots];

    // Values looked up by UTF-16 text (Parquet columns), which are their own keys.
    private readonly string?[] textValues = new string[Slots];

    // IPv4 addresses in their one canonical spelling, keyed by the address.
    private readonly uint[] ipv4Keys = new uint[Slots];
    private readonly string?[] ipv4Values = new string[Slots];

    /// <summary>
    /// The cache of the calling thread. Use it only in synchronous code between awaits, because an
    /// await can resume on another thread.
    /// </summary>
    public static Utf8StringCache ForCurrentThread => current ??= new Utf8StringCache();

    /// <summary>Returns the string of <paramref name="utf8"/>, which the caller has checked is valid UTF-8.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxCachedBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var slot = (int)(Hash(utf8) & (Slots - 1));
        if (keys[slot] is { } key && utf8.SequenceEqual(key))
        {
            return values[slot]!;
        }

        var text = Encoding.UTF8.GetString(utf8);
        keys[slot] = utf8.ToArray();
        values[slot] = text;
        return text;
    }

    /// <summary>
    /// Returns the string of <paramref name="utf8"/>, which the caller has parsed as <paramref name="address"/>
    /// and checked is the address's only spelling (no leading zeros), so the address alone keys the table.
    /// </summary>
    public string GetIpv4(uint address, ReadOnlySpan<byte> utf8) =>
        FindIpv4(address, out var slot) ?? AddIpv4(slot, address, Encoding.ASCII.GetString(utf8));

    /// <summary>The same as <see cref="GetIpv4(uint, ReadOnlySpan{byte})"/> for an address given as UTF-16 text.</summary>
    public string GetIpv4(uint address, ReadOnlySpan<char> text) =>
        FindIpv4(address, out var slot) ?? AddIpv4(slot, address, new string(text));

    private string? FindIpv4(uint address, out int slot)
    {
        // Fibonacci hashing: the top bits of the product mix every byte of the address.
        slot = (int)((address * 0x9E3779B1u) >> (32 - SlotBits));
        return ipv4Keys[slot] == address ? ipv4Values[slot] : null;
    }

    private string AddIpv4(int slot, uint address, string text)
    {
        ipv4Keys[slot] = address;
        ipv4Values[slot] = text;
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

        var slot = (int)(Hash(MemoryMarshal.AsBytes(text)) & (Slots - 1));
        if (textValues[slot] is { } cached && text.SequenceEqual(cached))
        {
            return cached;
        }

        var value = new string(text);
        textValues[slot] = value;
        return value;
    }

    /// <summary>The number of cached values, at most three times <see cref="Slots"/>; for tests of the bound.</summary>
    internal int Count => values.Count(value => value is not null) + textValues.Count(value => value is not null) + ipv4Values.Count(value => value is not null);

    /// <summary>Mixes the bytes eight at a time. The hash only picks a slot, so its quality affects only the hit rate.</summary>
    internal static ulong Hash(ReadOnlySpan<byte> utf8)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15;
        var hash = (ulong)utf8.Length * Multiplier;
        while (utf8.Length >= sizeof(ulong))
        {
            hash = (BitOperations.RotateLeft(hash, 23) ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8)) * Multiplier;
            utf8 = utf8[sizeof(ulong)..];
        }

        foreach (var value in utf8)
        {
            hash = (BitOperations.RotateLeft(hash, 23) ^ value) * Multiplier;
        }

        return hash ^ (hash >> 29);
    }
}
