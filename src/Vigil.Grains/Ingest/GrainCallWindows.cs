using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Grains.Diagnostics;

namespace Vigil.Grains.Ingest;

/// <summary>
/// The grain-call windows of one ingestor, one per record kind, and the count of objects being read.
/// When the last object being read is done, every window is sent at once, so a lone new object does
/// not wait for its window to fill.
/// </summary>
internal sealed class GrainCallWindows
{
    private int reading;

    public GrainCallWindows(
        Func<string, IPrincipalGrain> principalGrain,
        Func<string, IEndpointGrain> endpointGrain,
        IngestOptions options,
        TimeProvider clock,
        VigilInstruments instruments)
    {
        ArgumentNullException.ThrowIfNull(options);
        CloudTrail = new(
            (grainKey, tenantId, chunks) => principalGrain(grainKey).ApplyCloudTrailAsync(new CloudTrailChunks(tenantId, chunks)),
            options.WindowCloudTrailEvents,
            options.WindowMaxDelay,
            clock,
            instruments,
            ObjectKind.CloudTrail);
        Flows = new(
            (grainKey, tenantId, chunks) => endpointGrain(grainKey).ApplyFlowsAsync(new FlowChunks(tenantId, chunks)),
            options.WindowNetworkRecords,
            options.WindowMaxDelay,
            clock,
            instruments,
            ObjectKind.VpcFlow);
        Queries = new(
            (grainKey, tenantId, chunks) => endpointGrain(grainKey).ApplyDnsQueriesAsync(new DnsQueryChunks(tenantId, chunks)),
            options.WindowNetworkRecords,
            options.WindowMaxDelay,
            clock,
            instruments,
            ObjectKind.Route53);
    }

    public GrainCallWindow<CloudTrailEvent> CloudTrail { get; }

    public GrainCallWindow<FlowRecord> Flows { get; }

    public GrainCallWindow<DnsQueryRecord> Queries { get; }

    /// <summary>Counts an object as being read until the returned scope is disposed.</summary>
    public ReadScope BeginRead()
    {
        Interlocked.Increment(ref reading);
        return new ReadScope(this);
    }

    private void EndRead()
    {
        if (Interlocked.Decrement(ref reading) == 0)
        {
            CloudTrail.SendNow();
            Flows.SendNow();
            Queries.SendNow();
        }
    }

    /// <summary>One object being read; disposing it ends the read once.</summary>
    public sealed class ReadScope(GrainCallWindows owner) : IDisposable
    {
        private int ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref ended, 1) == 0)
            {
                owner.EndRead();
            }
        }
    }
}
