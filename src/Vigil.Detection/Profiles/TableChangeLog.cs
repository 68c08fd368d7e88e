using System.Runtime.InteropServices;

namespace Vigil.Detection.Profiles;

/// <summary>
/// The part of a profile's undo log that covers its tables of values, one table per dimension: the
/// first change of each value keeps what was there before, so a rollback restores it.
/// </summary>
/// <typeparam name="TEntry">What a table stores for each value.</typeparam>
internal sealed class TableChangeLog<TEntry>(int dimensions)
    where TEntry : struct
{
    /// <summary>Per dimension, each changed value as it was before the recording, or null when it was absent.</summary>
    private readonly Dictionary<string, TEntry?>?[] entries = new Dictionary<string, TEntry?>?[dimensions];

    /// <summary>Per dimension, the table as it was, once the recording removed a value from it.</summary>
    private readonly Dictionary<string, TEntry>?[] tableCopies = new Dictionary<string, TEntry>?[dimensions];

    /// <summary>Maximum changed values of a dimension for which <see cref="Clear"/> keeps the dimension's table for the next recording; a larger table is dropped.</summary>
    private const int MaxKeptEntries = 32;

    /// <summary>Number of dimensions (tables) the log covers.</summary>
    public int Dimensions => entries.Length;

    /// <summary>Forgets every change, so the log can record again. Small per-dimension tables stay allocated.</summary>
    public void Clear()
    {
        for (var dimension = 0; dimension < entries.Length; dimension++)
        {
            if (entries[dimension] is { } originals)
            {
                if (originals.Count > MaxKeptEntries)
                {
                    entries[dimension] = null;
                }
                else
                {
                    originals.Clear();
                }
            }

            tableCopies[dimension] = null;
        }
    }

    /// <summary>Keeps the value of <paramref name="key"/> as it was before its first change in this recording.</summary>
    public void Remember(Dictionary<string, TEntry>[] tables, int dimension, string key)
    {
        var originals = EntriesOf(dimension);
        if (!originals.ContainsKey(key))
        {
            originals[key] = tables[dimension].TryGetValue(key, out var entry) ? entry : null;
        }
    }

    /// <summary>Keeps <paramref name="current"/>, the value of <paramref name="key"/> now or null when absent, if this is its first change in this recording.</summary>
    public void Remember(int dimension, string key, TEntry? current)
    {
        ref var original = ref CollectionsMarshal.GetValueRefOrAddDefault(EntriesOf(dimension), key, out var exists);
        if (!exists)
        {
            original = current;
        }
    }

    /// <summary>
    /// Keeps the value of <paramref name="key"/> and, at the first removal of this recording, a copy
    /// of the table as it was, because a value removed and added back would take another place in
    /// the dictionary's order.
    /// </summary>
    public void RememberRemoval(Dictionary<string, TEntry>[] tables, int dimension, string key)
    {
        Remember(tables, dimension, key);
        if (tableCopies[dimension] is null)
        {
            var copy = new Dictionary<string, TEntry>(tables[dimension], StringComparer.Ordinal);
            Restore(copy, EntriesOf(dimension));
            tableCopies[dimension] = copy;
        }
    }

    /// <summary>Puts every table of <paramref name="tables"/> back as it was, with its values in the same order.</summary>
    public void RollBack(Dictionary<string, TEntry>[] tables)
    {
        for (var dimension = 0; dimension < tables.Length; dimension++)
        {
            if (tableCopies[dimension] is { } copy)
            {
                tables[dimension] = copy;
            }

            if (entries[dimension] is { } originals)
            {
                Restore(tables[dimension], originals);
            }
        }
    }

    private Dictionary<string, TEntry?> EntriesOf(int dimension) =>
        entries[dimension] ??= new Dictionary<string, TEntry?>(StringComparer.Ordinal);

    private static void Restore(Dictionary<string, TEntry> table, Dictionary<string, TEntry?> originals)
    {
        foreach (var (key, original) in originals)
        {
            if (original is { } entry)
            {
                table[key] = entry;
            }
            else
            {
                table.Remove(key);
            }
        }
    }
}
