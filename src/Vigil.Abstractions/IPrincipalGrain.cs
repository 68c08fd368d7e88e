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
    /// <summary>Applies one chunk of this principal's events from one log object. Applying the same chunk twice has no effect.</summary>
    [Alias("ApplyCloudTrail")]
    Task<BatchResult> ApplyCloudTrailAsync(CloudTrailBatch batch);

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
/// One grain call's worth of events: the tenant, the object they came from and the chunk number
/// inside that object (together the idempotency key), and the events in file order.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.CloudTrailBatch")]
public sealed record CloudTrailBatch(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string ObjectKey,
    [property: Id(2)] int ChunkIndex,
    [property: Id(3)] IReadOnlyList<CloudTrailEvent> Events);

/// <summary>What a grain did with a batch: events applied, duplicates dropped and finding occurrences raised.</summary>
[GenerateSerializer]
[Alias("Vigil.BatchResult")]
public sealed record BatchResult(
    [property: Id(0)] int Applied,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] int FindingsRaised);
