using System.Runtime.InteropServices;

namespace Vigil.Detection.Profiles;

/// <summary>
/// The part of a profile's undo log that covers its tables of values, one table per dimension: the
/// first change of each value keeps what was there before, so a rollback restores it.
/// </summary>
/// <remarks>
/// Every value added to or removed from a table is also logged in order, and a rollback undoes
/// those in reverse. A <see cref="Dictionary{TKey, TValue}"/> reuses the slot freed last for the
/// next value added, so undoing removals and additions in exactly reverse order puts every value
/// back in its slot, and the table enumerates in its old order without a copy of the table.
/// </remarks>
/// <typeparam name="TEntry">What a table stores for each value.</typeparam>
internal sealed class TableChangeLog<TEntry>(int dimensions)
    where TEntry : struct
{
    /// <summary>Per dimension, each changed value as it was before the recording, or null when it was absent.</summary>
    private readonly Dictionary<string, TEntry?>?[] entries = new Dictionary<string, TEntry?>?[dimensions];

    /// <summary>Values added to or removed from the tables, in the order it happened.</summary>
    private readonly List<(int Dimension, string Key, bool Added)> additionsAndRemovals = [];

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
        }

        additionsAndRemovals.Clear();
        if (additionsAndRemovals.Capacity > MaxKeptEntries)
        {
            additionsAndRemovals.Capacity = MaxKeptEntries;
        }
    }

    /// <summary>
    /// Keeps the value of <paramref name="key"/> as it was before its first change in this recording,
    /// and logs the addition when the key is not in its table now.
    /// </summary>
    public void Remember(Dictionary<string, TEntry>[] tables, int dimension, string key)
    {
        TEntry? current = tables[dimension].TryGetValue(key, out var entry) ? entry : null;
        Remember(dimension, key, current);
    }

    /// <summary>Keeps <paramref name="current"/>, the value of <paramref name="key"/> now or null when absent, if this is its first change in this recording.</summary>
    public void Remember(int dimension, string key, TEntry? current)
    {
        ref var original = ref CollectionsMarshal.GetValueRefOrAddDefault(EntriesOf(dimension), key, out var exists);
        if (!exists)
        {
            original = current;
        }

        if (current is null)
        {
            additionsAndRemovals.Add((dimension, key, true));
        }
    }

    /// <summary>Keeps the value of <paramref name="key"/>, which is in its table, and logs its removal, which must follow.</summary>
    public void RememberRemoval(Dictionary<string, TEntry>[] tables, int dimension, string key)
    {
        Remember(tables, dimension, key);
        additionsAndRemovals.Add((dimension, key, false));
    }

    /// <summary>Puts every table of <paramref name="tables"/> back as it was, with its values in the same order.</summary>
    public void RollBack(Dictionary<string, TEntry>[] tables)
    {
        // Each removed value goes back into the slot it left, with a placeholder that the originals replace below.
        for (var index = additionsAndRemovals.Count - 1; index >= 0; index--)
        {
            var (dimension, key, added) = additionsAndRemovals[index];
            if (added)
            {
                tables[dimension].Remove(key);
            }
            else
            {
                tables[dimension].TryAdd(key, default);
            }
        }

        for (var dimension = 0; dimension < tables.Length; dimension++)
        {
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
