using System.Collections.Concurrent;

namespace Vigil.Grains.Ingest;

/// <summary>
/// Grain references by grain key, so routing a chunk does not call <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string?)"/>,
/// which resolves the grain interface through reflection each time. A reference is only an address,
/// so a cached one stays valid when the grain deactivates or moves to another silo.
/// </summary>
internal sealed class GrainReferenceCache<TGrain>(IGrainFactory grains, int capacity)
    where TGrain : IGrainWithStringKey
{
    private readonly ConcurrentDictionary<string, TGrain> references = new(StringComparer.Ordinal);

    public TGrain Get(string grainKey)
    {
        if (references.TryGetValue(grainKey, out var reference))
        {
            return reference;
        }

        if (references.Count >= capacity)
        {
            // Keys come from log fields, so the set of keys is unbounded; starting over keeps memory bounded.
            references.Clear();
        }

        reference = grains.GetGrain<TGrain>(grainKey);
        references.TryAdd(grainKey, reference);
        return reference;
    }
}
