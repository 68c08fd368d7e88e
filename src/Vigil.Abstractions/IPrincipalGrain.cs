using Vigil.Contracts.Events;
using Orleans.Concurrency;
using Vigil.Contracts.Profiles;

namespace Vigil.Abstractions;

/// <summary>
/// One principal of one tenant's account, keyed <c>tenant/account/principal</c>. It drops events it
/// has already seen (by CloudTrail <c>eventID</c>), runs the detectors over the rest and hands the
/// findings to the finding sink before the call returns.
/// </summary>
[Alias("Vigil.PrincipalGrain")]
public interface IPrincipalGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies chunks of this principal's events, from one or more log objects, in order, and returns one
    /// result per chunk. Applying a chunk again has no effect. When the call fails, none of its
    /// chunks is remembered as applied, but the findings of the chunks stored before the failure stay
    /// stored under their write keys, so a retry adds no occurrence twice.
    /// </summary>
    [Alias("ApplyCloudTrailChunks")]
    Task<IReadOnlyList<BatchResult>> ApplyCloudTrailAsync(CloudTrailChunks batch);

    /// <summary>
    /// Records an analyst's "not useful" on one of this principal's anomaly findings: what was unusual in
    /// it joins the principal's expected behaviour. Returns false when the finding is not one of the
    /// principal's recent anomaly findings.
    /// </summary>
    [Alias("MarkAnomalyNotUseful")]
    Task<bool> MarkAnomalyNotUsefulAsync(string tenantId, string findingId);

    /// <summary>
    /// Returns a bounded copy of what the principal has applied and learned, for the console. Changes
    /// nothing; <paramref name="tenantId"/> must be the tenant of the grain key.
    /// </summary>
    [Alias("GetSummary")]
    [ReadOnly]
    Task<PrincipalSummary> GetSummaryAsync(string tenantId);
}

/// <summary>
/// One principal grain call: the tenant and the chunks of CloudTrail events in the order they are
/// applied. The chunks may come from many log objects, so one call carries what one grain received
/// from a window of objects.
/// </summary>
/// <remarks>
/// The batch types are not generic because Orleans 10 skips the copy of an argument inside one silo
/// only for a type it knows as immutable, and a copy of the events would go through their JSON codec.
/// </remarks>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.CloudTrailChunks")]
public sealed record CloudTrailChunks(
    [property: Id(0)] string TenantId,
    [property: Id(1)] IReadOnlyList<RecordChunk<CloudTrailEvent>> Chunks);

/// <summary>
/// The records of one grain from one chunk of one log object, in file order. The chunk key (see
/// <see cref="RecordChunk.KeyFor"/>) identifies the object, its fingerprint, the record kind and the chunk
/// number, so a grain drops a chunk it already applied.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.RecordChunk`1")]
public sealed record RecordChunk<TRecord>(
    [property: Id(0)] string ChunkKey,
    [property: Id(1)] IReadOnlyList<TRecord> Records);

/// <summary>Chunk keys shared by the senders and the grains.</summary>
public static class RecordChunk
{
    /// <summary>
    /// Returns the key of chunk <paramref name="chunkIndex"/> of <paramref name="kind"/> records
    /// (<c>cloudtrail</c>, <c>flow</c> or <c>dns</c>) of an object: 16 hex digits of the SHA-256 of
    /// <c>object#kind#chunk</c>. The object part is the ledger key and fingerprint
    /// (<c>key@fingerprint</c>), so a rewritten object has new chunk keys. Grains remember these short
    /// keys instead of the object keys, so thousands of grains with thousands of chunks each stay small.
    /// A collision (about 1 in 2^64 per pair) would drop one chunk as already applied.
    /// </summary>
    public static string KeyFor(string objectKey, string kind, int chunkIndex) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{objectKey}#{kind}#{chunkIndex}")))[..16];
}

/// <summary>What a grain did with a batch: events applied, duplicates dropped and finding occurrences raised.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.BatchResult")]
public sealed record BatchResult(
    [property: Id(0)] int Applied,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] int FindingsRaised);
