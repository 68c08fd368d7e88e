using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Detection.Network;
using Vigil.Grains.Diagnostics;
using Vigil.Grains.Principals;

namespace Vigil.Grains.Endpoints;

/// <summary>
/// Scores one network endpoint's flow records and DNS queries. Flow records and queries carry no
/// id of their own, so duplicates are caught per chunk: a chunk (object, kind, chunk number) is
/// applied once. State is written behind on a timer and on deactivation.
/// </summary>
public sealed partial class EndpointGrain(
    [PersistentState("endpoint", VigilGrainStorage.Name)] IPersistentState<EndpointState> state,
    IFindingSink findingSink,
    ThreatIntelRegistry intel,
    TimeProvider clock,
    VigilInstruments instruments,
    ILogger<EndpointGrain> logger) : Grain, IEndpointGrain
{
    internal const int MaxRememberedChunks = 2_000;

    private static readonly TimeSpan FlushPeriod = TimeSpan.FromSeconds(30);

    private BoundedRecentSet chunks = null!;
    private bool dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        chunks = new BoundedRecentSet(state.State.AppliedChunks, MaxRememberedChunks);
        this.RegisterGrainTimer(FlushIfDirtyAsync, new GrainTimerCreationOptions(FlushPeriod, FlushPeriod) { Interleave = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await FlushIfDirtyAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The findings are already stored. Only the list of applied chunks is lost, so a retried
            // chunk after this point could count its occurrences twice.
            LogFlushFailed(logger, exception, this.GetPrimaryKeyString());
        }
    }

    public async Task<BatchResult> ApplyFlowsAsync(FlowBatch batch)
    {
        var (tenantId, endpointKey) = PrincipalGrain.SplitKey(this.GetPrimaryKeyString());
        var chunkKey = $"{batch.ObjectKey}#flow#{batch.ChunkIndex}";
        if (!CheckBatch(batch.TenantId, tenantId, chunkKey))
        {
            return new BatchResult(0, batch.Records.Count, 0);
        }

        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var findings = NetworkDetection.Default.InspectFlows(batch.Records, endpointKey, context);
        var occurrences = await StoreAsync(tenantId, findings);

        chunks.Add(chunkKey);
        state.State.FlowsApplied += batch.Records.Count;
        foreach (var record in batch.Records)
        {
            var time = record.End ?? record.Start;
            if (time is not null && (state.State.LastEventTime is null || time > state.State.LastEventTime))
            {
                state.State.LastEventTime = time;
            }
        }

        dirty = true;
        return new BatchResult(batch.Records.Count, 0, occurrences);
    }

    public async Task<BatchResult> ApplyDnsQueriesAsync(DnsQueryBatch batch)
    {
        var (tenantId, endpointKey) = PrincipalGrain.SplitKey(this.GetPrimaryKeyString());
        var chunkKey = $"{batch.ObjectKey}#dns#{batch.ChunkIndex}";
        if (!CheckBatch(batch.TenantId, tenantId, chunkKey))
        {
            return new BatchResult(0, batch.Queries.Count, 0);
        }

        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var findings = NetworkDetection.Default.InspectQueries(batch.Queries, endpointKey, context);
        var occurrences = await StoreAsync(tenantId, findings);

        chunks.Add(chunkKey);
        state.State.QueriesApplied += batch.Queries.Count;
        foreach (var query in batch.Queries)
        {
            if (state.State.LastEventTime is null || query.QueryTimestamp > state.State.LastEventTime)
            {
                state.State.LastEventTime = query.QueryTimestamp;
            }
        }

        dirty = true;
        return new BatchResult(batch.Queries.Count, 0, occurrences);
    }

    /// <summary>Rejects a batch of another tenant; returns false for a chunk that was already applied.</summary>
    private bool CheckBatch(string batchTenantId, string tenantId, string chunkKey)
    {
        if (batchTenantId != tenantId)
        {
            throw new ArgumentException($"Batch for tenant '{batchTenantId}' sent to endpoint grain of tenant '{tenantId}'.", nameof(batchTenantId));
        }

        if (chunks.Contains(chunkKey))
        {
            LogChunkAlreadyApplied(logger, chunkKey, this.GetPrimaryKeyString());
            return false;
        }

        return true;
    }

    private async Task<int> StoreAsync(string tenantId, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return 0;
        }

        await findingSink.WriteAsync(tenantId, findings, CancellationToken.None);
        var occurrences = 0;
        foreach (var finding in findings)
        {
            instruments.RecordFindings(finding.Type, finding.Service.Count);
            occurrences += (int)finding.Service.Count;
        }

        return occurrences;
    }

    private async Task FlushIfDirtyAsync(CancellationToken cancellationToken)
    {
        if (!dirty)
        {
            return;
        }

        state.State.AppliedChunks = chunks.ToList();
        await state.WriteStateAsync(cancellationToken);
        dirty = false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Saving the state of endpoint grain {GrainKey} at deactivation failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string grainKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chunk {ChunkKey} was already applied to endpoint {GrainKey}; skipped")]
    private static partial void LogChunkAlreadyApplied(ILogger logger, string chunkKey, string grainKey);
}
