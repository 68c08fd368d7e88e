using Vigil.Contracts.Events;
using Orleans.Concurrency;
using Vigil.Contracts.Profiles;

namespace Vigil.Abstractions;

/// <summary>
/// One network endpoint of one tenant's account (a network interface, or an instance for DNS
/// queries), keyed <c>tenant/account/endpoint</c>. It runs the network detectors over the endpoint's
/// flow records and DNS queries and stores the findings before the call returns.
/// </summary>
[Alias("Vigil.EndpointGrain")]
public interface IEndpointGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies chunks of flow records, from one or more log objects, in order, and returns one result
    /// per chunk. Applying a chunk again has no effect. A failed call remembers none of its chunks.
    /// </summary>
    [Alias("ApplyFlowChunks")]
    Task<IReadOnlyList<BatchResult>> ApplyFlowsAsync(FlowChunks batch);

    /// <summary>
    /// Applies chunks of DNS queries, from one or more log objects, in order, and returns one result
    /// per chunk. Applying a chunk again has no effect. A failed call remembers none of its chunks.
    /// </summary>
    [Alias("ApplyDnsQueryChunks")]
    Task<IReadOnlyList<BatchResult>> ApplyDnsQueriesAsync(DnsQueryChunks batch);

    /// <summary>Returns what the endpoint has applied, for the console; <paramref name="tenantId"/> must be the tenant of the grain key.</summary>
    [Alias("GetSummary")]
    [ReadOnly]
    Task<EndpointSummary> GetSummaryAsync(string tenantId);

    /// <summary>
    /// Records an analyst's "not useful" on one of this endpoint's anomaly findings: the unusual port,
    /// peer, resolver, DoH or DoT server or domain joins the endpoint's expected behaviour. Returns false
    /// when the finding is not one of the endpoint's recent anomaly findings.
    /// </summary>
    [Alias("MarkAnomalyNotUseful")]
    Task<bool> MarkAnomalyNotUsefulAsync(string tenantId, string findingId);
}

/// <summary>One endpoint grain call of flow records: the tenant and the chunks in the order they are applied.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.FlowChunks")]
public sealed record FlowChunks(
    [property: Id(0)] string TenantId,
    [property: Id(1)] IReadOnlyList<RecordChunk<FlowRecord>> Chunks);

/// <summary>One endpoint grain call of DNS queries: the tenant and the chunks in the order they are applied.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.DnsQueryChunks")]
public sealed record DnsQueryChunks(
    [property: Id(0)] string TenantId,
    [property: Id(1)] IReadOnlyList<RecordChunk<DnsQueryRecord>> Chunks);
