using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Detection;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Detection.Network;
using Vigil.Grains.Diagnostics;
using Vigil.Grains.Principals;
using Vigil.Rules;
using Vigil.Rules.Correlation;

namespace Vigil.Grains.Endpoints;

/// <summary>
/// Scores one network endpoint's flow records and DNS queries. Flow records and queries carry no
/// id of their own, so duplicates are caught per chunk: a chunk (object, kind, chunk number) is
/// applied once. State is written behind on a timer and on deactivation.
/// </summary>
public sealed class EndpointGrain(
    [PersistentState("endpoint", VigilGrainStorage.Name)] IPersistentState<EndpointState> state,
    IFindingSink findingSink,
    ThreatIntelRegistry intel,
    RuleRegistry rules,
    TimeProvider clock,
    VigilInstruments instruments,
    ILogger<EndpointGrain> logger) : WriteBehindGrain<EndpointState>(state, logger), IEndpointGrain
{
    internal const int MaxRememberedChunks = 2_000;

    private BoundedRecentSet chunks = null!;

    // Open correlation windows of the tenant's rules for this endpoint; kept in memory only.
    private readonly CorrelationState ruleState = new();

    public async Task<IReadOnlyList<BatchResult>> ApplyFlowsAsync(FlowChunks batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (tenantId, endpointKey) = CheckTenant(batch.TenantId);
        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var ruleSet = rules.For(tenantId);

        var results = new BatchResult[batch.Chunks.Count];
        var applied = new HashSet<string>(StringComparer.Ordinal);
        var fresh = new List<int>(batch.Chunks.Count);
        long records = 0;
        var newest = Persisted.LastEventTime;
        for (var index = 0; index < batch.Chunks.Count; index++)
        {
            var chunk = batch.Chunks[index];
            if (!IsNew(chunk.ChunkKey, applied))
            {
                results[index] = new BatchResult(0, chunk.Records.Count, 0);
                continue;
            }

            applied.Add(chunk.ChunkKey);
            fresh.Add(index);
            records += chunk.Records.Count;
            foreach (var record in chunk.Records)
            {
                var time = record.End ?? record.Start;
                if (time is not null && (newest is null || time > newest))
                {
                    newest = time;
                }
            }
        }

        // The counters change only when the findings of every chunk are stored, so a failed call can
        // be retried in full. Most calls raise nothing, so the built-in detectors first run over all
        // new records at once. Only when that raises a finding do they run again chunk by chunk, from
        // the counters before the call, because each chunk's findings are stored under its own write
        // key. Tenant flow rules keep correlation windows that a second pass would count twice, so
        // with flow rules every call runs chunk by chunk.
        var windows = CopyOf(Persisted.FlowWindows);
        var byChunk = ruleSet.Has(SigmaLogSource.VpcFlow)
            || NetworkDetection.Default.InspectFlows(fresh.SelectMany(index => batch.Chunks[index].Records), endpointKey, context, windows).Count > 0;
        if (byChunk)
        {
            windows = CopyOf(Persisted.FlowWindows);
        }

        foreach (var index in fresh)
        {
            var chunk = batch.Chunks[index];
            var occurrences = 0;
            if (byChunk)
            {
                var findings = NetworkDetection.Default.InspectFlows(chunk.Records, endpointKey, context, windows)
                    .Concat(ruleSet.InspectFlows(chunk.Records, endpointKey, context, ruleState)).ToList();
                occurrences = await StoreAsync(tenantId, chunk.ChunkKey, findings);
            }

            results[index] = new BatchResult(chunk.Records.Count, 0, occurrences);
        }

        Persisted.FlowWindows = windows;
        Persisted.FlowsApplied += records;
        Remember(applied, newest);
        return results;
    }

    public async Task<IReadOnlyList<BatchResult>> ApplyDnsQueriesAsync(DnsQueryChunks batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (tenantId, endpointKey) = CheckTenant(batch.TenantId);
        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var ruleSet = rules.For(tenantId);
        var results = new BatchResult[batch.Chunks.Count];
        var applied = new HashSet<string>(StringComparer.Ordinal);
        long queries = 0;
        var newest = Persisted.LastEventTime;
        for (var index = 0; index < batch.Chunks.Count; index++)
        {
            var chunk = batch.Chunks[index];
            if (!IsNew(chunk.ChunkKey, applied))
            {
                results[index] = new BatchResult(0, chunk.Records.Count, 0);
                continue;
            }

            var findings = NetworkDetection.Default.InspectQueries(chunk.Records, endpointKey, context)
                .Concat(ruleSet.InspectQueries(chunk.Records, endpointKey, context, ruleState)).ToList();
            var occurrences = await StoreAsync(tenantId, chunk.ChunkKey, findings);
            results[index] = new BatchResult(chunk.Records.Count, 0, occurrences);
            applied.Add(chunk.ChunkKey);
            queries += chunk.Records.Count;
            foreach (var query in chunk.Records)
            {
                if (newest is null || query.QueryTimestamp > newest)
                {
                    newest = query.QueryTimestamp;
                }
            }
        }

        Persisted.QueriesApplied += queries;
        Remember(applied, newest);
        return results;
    }

    /// <summary>Rejects a batch of another tenant; returns the grain's tenant and endpoint key.</summary>
    private (string TenantId, string EndpointKey) CheckTenant(string batchTenantId)
    {
        var (tenantId, endpointKey) = PrincipalGrain.SplitKey(this.GetPrimaryKeyString());
        if (batchTenantId != tenantId)
        {
            throw new ArgumentException($"Batch for tenant '{batchTenantId}' sent to endpoint grain of tenant '{tenantId}'.", nameof(batchTenantId));
        }

        return (tenantId, endpointKey);
    }

    /// <summary>Returns false for a chunk applied before, or earlier in the same call.</summary>
    private bool IsNew(string chunkKey, HashSet<string> appliedInCall)
    {
        if (chunks.Contains(chunkKey) || appliedInCall.Contains(chunkKey))
        {
            GrainLog.ChunkAlreadyApplied(logger, chunkKey, this.GetPrimaryKeyString());
            return false;
        }

        return true;
    }

    private void Remember(HashSet<string> applied, DateTimeOffset? newest)
    {
        foreach (var chunkKey in applied)
        {
            chunks.Add(chunkKey);
        }

        Persisted.LastEventTime = newest;
        MarkDirty();
    }

    private async Task<int> StoreAsync(string tenantId, string chunkKey, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return 0;
        }

        await findingSink.WriteOnceAsync(tenantId, FindingWriteKey(chunkKey), findings, CancellationToken.None);
        var occurrences = 0;
        foreach (var finding in findings)
        {
            instruments.RecordFindings(finding.Type, finding.Service.Count);
            occurrences += (int)finding.Service.Count;
        }

        return occurrences;
    }

    private static FlowWindowState CopyOf(FlowWindowState state) => new()
    {
        LateRecords = state.LateRecords,
        DroppedCounters = state.DroppedCounters,
        Windows = [.. state.Windows.Select(window => new FlowWindow
        {
            Start = window.Start,
            Counters = window.Counters.ToDictionary(
                pair => pair.Key,
                pair => new FlowCounter { Total = pair.Value.Total, Raised = pair.Value.Raised, Distinct = new HashSet<string>(pair.Value.Distinct, StringComparer.Ordinal) },
                StringComparer.Ordinal),
        })],
    };

    protected override void OnStateLoaded() => chunks = new BoundedRecentSet(Persisted.AppliedChunks, MaxRememberedChunks);

    protected override void PrepareWrite() => Persisted.AppliedChunks = chunks.ToList();
}
