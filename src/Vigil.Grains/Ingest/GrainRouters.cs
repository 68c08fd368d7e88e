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
    private FlowGrainKeys? flowKeys;
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
        (flowKeys ??= new FlowGrainKeys(tenantId)).For,
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

/// <summary>
/// The endpoint grain keys of one object's flow records. The reader's string cache returns the same
/// instance for an interface id that repeats. So a key is remembered with the account, interface and
/// instance id strings it was made from, and other instances make it again. A table of 64 slots,
/// indexed by the interface id's identity hash, keeps the memory fixed.
/// </summary>
internal sealed class FlowGrainKeys(string tenantId)
{
    private const int Slots = 64;

    private readonly Slot[] slots = new Slot[Slots];

    public string For(FlowRecord record)
    {
        var id = record.InterfaceId ?? record.InstanceId;
        ref var slot = ref slots[(id is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(id)) & (Slots - 1)];
        if (slot.Key is not null
            && ReferenceEquals(slot.InterfaceId, record.InterfaceId)
            && ReferenceEquals(slot.InstanceId, record.InstanceId)
            && ReferenceEquals(slot.AccountId, record.AccountId))
        {
            return slot.Key;
        }

        var key = EndpointKey.GrainKeyForFlow(tenantId, record);
        slot = new Slot(record.AccountId, record.InterfaceId, record.InstanceId, key);
        return key;
    }

    private readonly record struct Slot(string? AccountId, string? InterfaceId, string? InstanceId, string? Key);
}
