namespace Vigil.Grains.Principals;

/// <summary>
/// A set of the most recent keys, bounded in size. Adding a key past the capacity removes the
/// oldest one. A list keeps the order for persistence and a hash set serves lookups.
/// </summary>
internal sealed class BoundedRecentSet
{
    private readonly List<string> order;
    private readonly HashSet<string> members;
    private readonly int capacity;
    private int head;

    public BoundedRecentSet(List<string> persisted, int capacity)
    {
        this.capacity = capacity;
        order = persisted.Count > capacity ? persisted[^capacity..] : persisted;
        members = new HashSet<string>(order, StringComparer.Ordinal);
    }

    public bool Contains(string key) => members.Contains(key);

    /// <summary>Adds the key; returns false when it was already present.</summary>
    public bool Add(string key)
    {
        if (!members.Add(key))
        {
            return false;
        }

        if (order.Count < capacity)
        {
            order.Add(key);
            return true;
        }

        members.Remove(order[head]);
        order[head] = key;
        head = (head + 1) % capacity;
        return true;
    }

    /// <summary>Returns the keys oldest first, for the persisted state.</summary>
    public List<string> ToList() => head == 0 ? [.. order] : [.. order[head..], .. order[..head]];
}
