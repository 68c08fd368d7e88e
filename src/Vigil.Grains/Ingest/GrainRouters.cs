using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Network;
using Vigil.Grains.Diagnostics;

namespace Vigil.Grains.Ingest;

/// <summary>
/// The chunk routers of one object (a file, an S3 object or a Firehose request), one per record
/// kind, each created when the first records of its kind arrive. CloudTrail events go to principal
/// grains, and flow records and DNS queries to endpoint grains.
/// </summary>
internal sealed class GrainRouters(
    string tenantId,
    string objectKey,
    Func<string, IPrincipalGrain> principalGrain,
    Func<string, IEndpointGrain> endpointGrain,
    int chunkSize,
    VigilInstruments instruments)
{
    private ChunkRouter<CloudTrailEvent>? cloudTrail;
    private ChunkRouter<FlowRecord>? flows;
    private ChunkRouter<DnsQueryRecord>? queries;

    /// <summary>What the grains reported for every chunk sent so far.</summary>
    public RoutingTotals Totals => new[] { cloudTrail?.Totals, flows?.Totals, queries?.Totals }.Aggregate(
        new RoutingTotals(),
        (sum, part) => part is null ? sum : new RoutingTotals(sum.Read + part.Read, sum.Rejected + part.Rejected, sum.Duplicates + part.Duplicates, sum.Findings + part.Findings));

    /// <summary>Event time of the newest record routed so far.</summary>
    public DateTimeOffset? NewestEventTime => new[] { cloudTrail?.NewestEventTime, flows?.NewestEventTime, queries?.NewestEventTime }.Max();

    /// <summary>The kind of the routed records: CloudTrail if any, else VPC flow, else Route 53; Unknown when nothing was routed.</summary>
    public ObjectKind Kind =>
        cloudTrail is not null ? ObjectKind.CloudTrail
        : flows is not null ? ObjectKind.VpcFlow
        : queries is not null ? ObjectKind.Route53
        : ObjectKind.Unknown;

    public ValueTask AddCloudTrailAsync(IReadOnlyList<CloudTrailEvent> events) => (cloudTrail ??= new(
        PrincipalKey.For,
        record => record.EventTime,
        (principal, chunk, records) => principalGrain(PrincipalKey.GrainKey(tenantId, principal))
            .ApplyCloudTrailAsync(new CloudTrailBatch(tenantId, objectKey, chunk, records)),
        chunkSize,
        instruments,
        ObjectKind.CloudTrail)).AddAsync(events);

    public ValueTask AddFlowsAsync(IReadOnlyList<FlowRecord> records) => (flows ??= new(
        EndpointKey.ForFlow,
        record => record.End ?? record.Start,
        (endpoint, chunk, batch) => endpointGrain(EndpointKey.GrainKey(tenantId, endpoint))
            .ApplyFlowsAsync(new FlowBatch(tenantId, objectKey, chunk, batch)),
        chunkSize,
        instruments,
        ObjectKind.VpcFlow)).AddAsync(records);

    public ValueTask AddQueriesAsync(IReadOnlyList<DnsQueryRecord> records) => (queries ??= new(
        EndpointKey.ForDns,
        record => record.QueryTimestamp,
        (endpoint, chunk, batch) => endpointGrain(EndpointKey.GrainKey(tenantId, endpoint))
            .ApplyDnsQueriesAsync(new DnsQueryBatch(tenantId, objectKey, chunk, batch)),
        chunkSize,
        instruments,
        ObjectKind.Route53)).AddAsync(records);

    /// <summary>Sends the chunks still buffered and waits until every grain applied them.</summary>
    public async Task FlushAsync()
    {
        if (cloudTrail is not null)
        {
            await cloudTrail.FlushAsync();
        }

        if (flows is not null)
        {
            await flows.FlushAsync();
        }

        if (queries is not null)
        {
            await queries.FlushAsync();
        }
    }
}
