namespace Vigil.Ingestion.Route53;

/// <summary>
/// Query names already read, with their normalised form, so a name that repeats from record to record
/// costs one lookup instead of a decode, a normalisation and a length check. A direct-mapped table
/// like <see cref="Utf8StringCache"/>: a new name replaces the one in its slot, so it keeps at most
/// <see cref="Slots"/> names of at most <see cref="Utf8StringCache.MaxCachedBytes"/> bytes.
/// </summary>
/// <remarks>Not thread-safe; <see cref="ForCurrentThread"/> gives each thread its own.</remarks>
internal sealed class QueryNameCache
{
    public const int Slots = 4096;

    [ThreadStatic]
    private static QueryNameCache? current;

    private readonly Entry?[] entries = new Entry?[Slots];

    /// <summary>The cache of the calling thread, for synchronous code between awaits.</summary>
    public static QueryNameCache ForCurrentThread => current ??= new QueryNameCache();

    /// <summary>Finds the name whose UTF-8 text, as written in the log, is <paramref name="utf8"/>.</summary>
    public Entry? Find(ReadOnlySpan<byte> utf8)
    {
        var entry = entries[SlotOf(utf8)];
        return entry is not null && utf8.SequenceEqual(entry.Key) ? entry : null;
    }

    /// <summary>Stores a name as written (<paramref name="utf8"/> and <paramref name="name"/>) with its normalised form.</summary>
    public void Add(ReadOnlySpan<byte> utf8, string name, string normalized, bool valid)
    {
        if (utf8.Length <= Utf8StringCache.MaxCachedBytes)
        {
            entries[SlotOf(utf8)] = new Entry(utf8.ToArray(), name, normalized, valid);
        }
    }

    private static int SlotOf(ReadOnlySpan<byte> utf8) => (int)(Utf8StringCache.Hash(utf8) & (Slots - 1));

    /// <summary>One name as written, its normalised form and whether it has valid lengths.</summary>
    public sealed record Entry(byte[] Key, string Name, string Normalized, bool Valid);
}
