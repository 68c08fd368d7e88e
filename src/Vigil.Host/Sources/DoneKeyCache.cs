namespace Vigil.Host.Sources;

/// <summary>
/// Remembers the objects a source has seen done in the ledger (key and fingerprint), so a listing
/// pass over a large bucket asks the database only about new or changed keys. Bounded: past
/// <see cref="Capacity"/> keys the oldest are forgotten, and those keys cost one ledger query again.
/// </summary>
internal sealed class DoneKeyCache(int capacity)
{
    private readonly Dictionary<string, string> fingerprints = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be positive.");

    public int Count => fingerprints.Count;

    public bool IsDone(string key, string fingerprint) =>
        fingerprints.TryGetValue(key, out var known) && string.Equals(known, fingerprint, StringComparison.Ordinal);

    public void MarkDone(string key, string fingerprint)
    {
        if (fingerprints.ContainsKey(key))
        {
            fingerprints[key] = fingerprint;
            return;
        }

        while (fingerprints.Count >= Capacity && order.TryDequeue(out var oldest))
        {
            fingerprints.Remove(oldest);
        }

        fingerprints[key] = fingerprint;
        order.Enqueue(key);
    }
}
