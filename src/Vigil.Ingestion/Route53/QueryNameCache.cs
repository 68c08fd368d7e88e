using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Vigil.Ingestion.Route53;

/// <summary>
/// Query names already read, with their normalised form, so a name that repeats from record to record
/// costs one lookup instead of a decode, a normalisation and a length check. A two-way set-associative
/// table: a name can sit in either slot of its pair, and a new name replaces the one of the pair that was
/// not found or added last, so it keeps at most <see cref="Slots"/> names of at most
/// <see cref="Utf8StringCache.MaxCachedBytes"/> bytes. With one slot per name, two names in the same
/// slot kept replacing each other, which cost a decode and a new entry per record.
/// </summary>
/// <remarks>
/// Each slot keeps the name's hash and both strings in the array itself, so a lookup reads the slot
/// and the characters of one name, and no entry object in between. Not thread-safe;
/// <see cref="ForCurrentThread"/> gives each thread its own.
/// </remarks>
internal sealed class QueryNameCache
{
    public const int Slots = 8192;

    [ThreadStatic]
    private static QueryNameCache? current;

    private readonly Slot[] slots = new Slot[Slots];

    // One bit per pair: set when the second slot of the pair was used last.
    private readonly bool[] secondUsedLast = new bool[Slots / 2];

    /// <summary>The cache of the calling thread, for synchronous code between awaits.</summary>
    public static QueryNameCache ForCurrentThread => current ??= new QueryNameCache();

    /// <summary>Finds the name whose UTF-8 text, as written in the log, is <paramref name="utf8"/>, with its normalised form.</summary>
    public bool TryFind(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out string? name, [NotNullWhen(true)] out string? normalized, out bool valid)
    {
        var hash = Utf8StringCache.Hash(utf8);
        var pair = PairOf(hash);
        for (var way = 0; way < 2; way++)
        {
            // Every stored name is ASCII, so its string is its key and no byte copy needs to be read.
            ref var slot = ref slots[(pair * 2) + way];
            if (slot.Hash == hash && slot.Name is { } stored && Ascii.Equals(utf8, stored))
            {
                secondUsedLast[pair] = way == 1;
                name = stored;
                normalized = slot.Normalized!;
                valid = slot.Valid;
                return true;
            }
        }

        name = null;
        normalized = null;
        valid = false;
        return false;
    }

    /// <summary>
    /// Stores a name as written (<paramref name="utf8"/> and <paramref name="name"/>) with its normalised
    /// form. Only ASCII names are stored, because <see cref="TryFind"/> compares the bytes with the name's characters.
    /// </summary>
    public void Add(ReadOnlySpan<byte> utf8, string name, string normalized, bool valid)
    {
        if (utf8.Length <= Utf8StringCache.MaxCachedBytes && Ascii.IsValid(utf8))
        {
            var hash = Utf8StringCache.Hash(utf8);
            var pair = PairOf(hash);
            var way = secondUsedLast[pair] ? 0 : 1;
            slots[(pair * 2) + way] = new Slot { Hash = hash, Name = name, Normalized = normalized, Valid = valid };
            secondUsedLast[pair] = way == 1;
        }
    }

    private static int PairOf(ulong hash) => (int)(hash & ((Slots / 2) - 1));

    /// <summary>One name as written, with its hash, its normalised form and whether it has valid lengths. An empty slot has no name.</summary>
    private struct Slot
    {
        public ulong Hash;
        public string? Name;
        public string? Normalized;
        public bool Valid;
    }
}
