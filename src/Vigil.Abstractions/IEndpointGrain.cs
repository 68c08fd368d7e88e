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
    /// <summary>Applies one chunk of flow records from one log object; applying the same chunk twice has no effect.</summary>
    [Alias("ApplyFlows")]
    Task<BatchResult> ApplyFlowsAsync(FlowBatch batch);

    /// <summary>Applies one chunk of DNS queries from one log object; applying the same chunk twice has no effect.</summary>
    [Alias("ApplyDnsQueries")]
    Task<BatchResult> ApplyDnsQueriesAsync(DnsQueryBatch batch);

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

/// <summary>One grain call's worth of flow records: tenant, object, chunk number (the idempotency key) and the records.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.FlowBatch")]
public sealed record FlowBatch(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string ObjectKey,
    [property: Id(2)] int ChunkIndex,
    [property: Id(3)] IReadOnlyList<FlowRecord> Records);

/// <summary>One grain call's worth of DNS queries: tenant, object, chunk number (the idempotency key) and the queries.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.DnsQueryBatch")]
public sealed record DnsQueryBatch(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string ObjectKey,
    [property: Id(2)] int ChunkIndex,
    [property: Id(3)] IReadOnlyList<DnsQueryRecord> Queries);
