using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Grains.Ingest;

/// <summary>
/// The objects that this process saw done in the ledger, by tenant, key and fingerprint, so that a
/// rescan of a watched folder skips them without a ledger query each. Only done objects are kept:
/// a rewritten object has a new fingerprint and a failed one is never added, so both still go to the ledger.
/// </summary>
/// <remarks>
/// Entries are 128 bits of SHA-256 over the three values. A collision (about 1 in 2^64 for a
/// billion objects) would skip one object. NOTE: a ledger row deleted by hand to force a read is
/// not noticed until the process restarts or the cache starts over at <c>capacity</c> entries.
/// </remarks>
internal sealed class DoneObjectCache(int capacity)
{
    private readonly HashSet<UInt128> done = [];
    private readonly Lock gate = new();

    public bool Contains(string tenantId, string objectKey, string fingerprint)
    {
        var id = IdOf(tenantId, objectKey, fingerprint);
        lock (gate)
        {
            return done.Contains(id);
        }
    }

    public void Add(string tenantId, string objectKey, string fingerprint)
    {
        var id = IdOf(tenantId, objectKey, fingerprint);
        lock (gate)
        {
            if (done.Count >= capacity)
            {
                done.Clear();
            }

            done.Add(id);
        }
    }

    private static UInt128 IdOf(string tenantId, string objectKey, string fingerprint)
    {
        // Length prefixes keep the three values apart whatever characters they contain.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId.Length}:{tenantId}{objectKey.Length}:{objectKey}{fingerprint}"));
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
