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
/// <remarks>Not thread-safe; <see cref="ForCurrentThread"/> gives each thread its own.</remarks>
internal sealed class QueryNameCache
{
    public const int Slots = 8192;

    [ThreadStatic]
    private static QueryNameCache? current;

    private readonly Entry?[] entries = new Entry?[Slots];

    // One bit per pair: set when the second slot of the pair was used last.
    private readonly bool[] secondUsedLast = new bool[Slots / 2];

    /// <summary>The cache of the calling thread, for synchronous code between awaits.</summary>
    public static QueryNameCache ForCurrentThread => current ??= new QueryNameCache();

    /// <summary>Finds the name whose UTF-8 text, as written in the log, is <paramref name="utf8"/>.</summary>
    public Entry? Find(ReadOnlySpan<byte> utf8)
    {
        var pair = PairOf(utf8);
        for (var way = 0; way < 2; way++)
        {
            // Every stored name is ASCII, so its string is its key and no byte copy needs to be read.
            var entry = entries[(pair * 2) + way];
            if (entry is not null && Ascii.Equals(utf8, entry.Name))
            {
                secondUsedLast[pair] = way == 1;
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Stores a name as written (<paramref name="utf8"/> and <paramref name="name"/>) with its normalised
    /// form. Only ASCII names are stored, because <see cref="Find"/> compares the bytes with the name's characters.
    /// </summary>
    public void Add(ReadOnlySpan<byte> utf8, string name, string normalized, bool valid)
    {
        if (utf8.Length <= Utf8StringCache.MaxCachedBytes && Ascii.IsValid(utf8))
        {
            var pair = PairOf(utf8);
            var way = secondUsedLast[pair] ? 0 : 1;
            entries[(pair * 2) + way] = new Entry(name, normalized, valid);
            secondUsedLast[pair] = way == 1;
        }
    }

    private static int PairOf(ReadOnlySpan<byte> utf8) => (int)(Utf8StringCache.Hash(utf8) & ((Slots / 2) - 1));

    /// <summary>One name as written, its normalised form and whether it has valid lengths.</summary>
    public sealed record Entry(string Name, string Normalized, bool Valid);
}
