using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Network;

namespace Vigil.Grains.Ingest;

/// <summary>
/// The chunk routers of one object (a file, an S3 object or a Firehose request), one per record
/// kind, each created when the first records of its kind arrive. CloudTrail events go to principal
/// grains, and flow records and DNS queries to endpoint grains, through the ingestor's windows.
/// </summary>
internal sealed class GrainRouters(string tenantId, string objectKey, GrainCallWindows windows, int chunkSize)
{
    private ChunkRouter<CloudTrailEvent>? cloudTrail;
    private ChunkRouter<FlowRecord>? flows;
    private ChunkRouter<DnsQueryRecord>? queries;

    /// <summary>What the grains reported for every chunk completed so far.</summary>
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
        tenantId,
        objectKey,
        "cloudtrail",
        record => PrincipalKey.GrainKeyFor(tenantId, record),
        record => record.EventTime,
        windows.CloudTrail,
        chunkSize)).AddAsync(events);

    public ValueTask AddFlowsAsync(IReadOnlyList<FlowRecord> records) => (flows ??= new(
        tenantId,
        objectKey,
        "flow",
        record => EndpointKey.GrainKeyForFlow(tenantId, record),
        record => record.End ?? record.Start,
        windows.Flows,
        chunkSize)).AddAsync(records);

    public ValueTask AddQueriesAsync(IReadOnlyList<DnsQueryRecord> records) => (queries ??= new(
        tenantId,
        objectKey,
        "dns",
        record => EndpointKey.GrainKeyForDns(tenantId, record),
        record => record.QueryTimestamp,
        windows.Queries,
        chunkSize)).AddAsync(records);

    /// <summary>Hands the records still buffered to the windows; does not wait for the grains.</summary>
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

    /// <summary>Waits until the grains applied every chunk handed to the windows, and adds up their results.</summary>
    public async Task CompleteAsync()
    {
        if (cloudTrail is not null)
        {
            await cloudTrail.CompleteAsync();
        }

        if (flows is not null)
        {
            await flows.CompleteAsync();
        }

        if (queries is not null)
        {
            await queries.CompleteAsync();
        }
    }
}
