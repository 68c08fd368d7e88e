using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Detection;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Profiles;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Dns;
using Vigil.Detection.Endpoints;
using Vigil.Detection.Intel;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;
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
    DetectorSettingsRegistry settings,
    TimeProvider clock,
    VigilInstruments instruments,
    ProfileOptions profileOptions,
    ILogger<EndpointGrain> logger) : WriteBehindGrain<EndpointState>(state, logger), IEndpointGrain
{
    internal const int MaxRememberedChunks = 2_000;

    /// <summary>Anomaly findings whose unusual values are remembered for feedback, as the principal grain does.</summary>
    internal const int MaxRememberedAnomalies = 32;

    private BoundedRecentSet chunks = null!;
    private EndpointProfile profile = null!;

    // Open correlation windows of the tenant's rules for this endpoint; kept in memory only.
    private readonly CorrelationState ruleState = new();

    // What a flow call changed in the flow windows, to undo it when the call's findings fail to store.
    private readonly FlowWindowChanges flowWindowChanges = new();

    // The current window of the DNS tunnelling and DGA rules; kept in memory only.
    private readonly DnsWindowState dnsWindows = new();

    public async Task<IReadOnlyList<BatchResult>> ApplyFlowsAsync(FlowChunks batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (tenantId, endpointKey) = CheckTenant(batch.TenantId);
        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var detectors = settings.For(tenantId);
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
            newest = Newest(chunk.Records, newest);
        }

        // The counters are counted into in place, and every change is recorded, so a call whose
        // findings fail to store is undone and can be retried in full. Most calls raise nothing, so
        // the threshold detectors first run over all new records at once. Only when that raises a
        // finding are those counts undone and the detectors run again chunk by chunk, because each
        // chunk's findings are stored under its own write key. Tenant flow rules keep correlation
        // windows that a second pass would count twice, so with flow rules every call runs chunk by chunk.
        var windows = Persisted.FlowWindows;
        flowWindowChanges.Begin(windows);

        // The profile learns while it scores, so it runs once per chunk, in order, and its state from
        // before the call comes back when a chunk's findings fail to store: the retried call must find
        // the same anomalies again. The profile records what the call changes to undo it.
        profile.BeginChanges();
        var raised = new List<Finding>();
        try
        {
            var freshRecords = new IReadOnlyList<FlowRecord>[fresh.Count];
            for (var position = 0; position < fresh.Count; position++)
            {
                freshRecords[position] = batch.Chunks[fresh[position]].Records;
            }

            var byChunk = ruleSet.Has(SigmaLogSource.VpcFlow)
                || detectors.Network.InspectFlowChunks(freshRecords, endpointKey, context, windows, flowWindowChanges).Count > 0;
            if (byChunk)
            {
                flowWindowChanges.RollBack();
            }

            foreach (var index in fresh)
            {
                var chunk = batch.Chunks[index];
                var findings = new List<Finding>();
                if (byChunk)
                {
                    findings.AddRange(detectors.Filter([
                        .. detectors.Network.InspectFlows(chunk.Records, endpointKey, context, windows, flowWindowChanges),
                        .. ruleSet.InspectFlows(chunk.Records, endpointKey, context, ruleState)]));
                }

                findings.AddRange(detectors.Filter(EndpointFlowAnomalyDetector.Inspect(chunk.Records, endpointKey, context, profile)));
                var occurrences = await StoreAsync(tenantId, chunk.ChunkKey, findings);
                results[index] = new BatchResult(chunk.Records.Count, 0, occurrences);
                raised.AddRange(findings);
            }
        }
        catch
        {
            profile.RollBackChanges();
            flowWindowChanges.RollBack();
            throw;
        }

        profile.CommitChanges();
        flowWindowChanges.Commit();
        RememberAnomalies(raised);
        Persisted.FlowsApplied += records;
        Remember(applied, newest);
        return results;
    }

    public async Task<IReadOnlyList<BatchResult>> ApplyDnsQueriesAsync(DnsQueryChunks batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (tenantId, endpointKey) = CheckTenant(batch.TenantId);
        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var detectors = settings.For(tenantId);
        var ruleSet = rules.For(tenantId);

        var results = new BatchResult[batch.Chunks.Count];
        var applied = new HashSet<string>(StringComparer.Ordinal);
        var raised = new List<Finding>();
        long queries = 0;
        var newest = Persisted.LastEventTime;
        profile.BeginChanges();
        try
        {
            for (var index = 0; index < batch.Chunks.Count; index++)
            {
                var chunk = batch.Chunks[index];
                if (!IsNew(chunk.ChunkKey, applied))
                {
                    results[index] = new BatchResult(0, chunk.Records.Count, 0);
                    continue;
                }

                var findings = new List<Finding>(detectors.Filter([
                    .. detectors.Network.InspectQueries(chunk.Records, endpointKey, context),
                    .. ruleSet.InspectQueries(chunk.Records, endpointKey, context, ruleState)]));
                findings.AddRange(detectors.Filter(DnsAnomalyDetector.Default.Inspect(chunk.Records, endpointKey, context, profile, dnsWindows)));
                var occurrences = await StoreAsync(tenantId, chunk.ChunkKey, findings);
                results[index] = new BatchResult(chunk.Records.Count, 0, occurrences);
                raised.AddRange(findings);
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
        }
        catch
        {
            // NOTE: the DNS window is emptied rather than restored, so the retried call raises what it
            // finds on its own, but names counted from earlier calls of the window are lost.
            dnsWindows.Reset();
            profile.RollBackChanges();
            throw;
        }

        profile.CommitChanges();
        RememberAnomalies(raised);
        Persisted.QueriesApplied += queries;
        Remember(applied, newest);
        return results;
    }

    public Task<bool> MarkAnomalyNotUsefulAsync(string tenantId, string findingId)
    {
        var (grainTenant, _) = PrincipalGrain.SplitKey(this.GetPrimaryKeyString());
        if (tenantId != grainTenant)
        {
            throw new ArgumentException($"Feedback for tenant '{tenantId}' sent to endpoint grain of tenant '{grainTenant}'.", nameof(tenantId));
        }

        var index = Persisted.RecentAnomalies.FindIndex(memory => memory.FindingId == findingId);
        if (index < 0)
        {
            return Task.FromResult(false);
        }

        var time = Persisted.LastEventTime ?? DateTimeOffset.UnixEpoch;
        foreach (var item in Persisted.RecentAnomalies[index].Values)
        {
            if (Enum.TryParse<EndpointDimension>(item.Dimension, out var dimension))
            {
                profile.Teach(dimension, item.Value, time);
            }
        }

        Persisted.RecentAnomalies.RemoveAt(index);
        MarkDirty();
        return Task.FromResult(true);
    }

    /// <summary>
    /// Remembers the unusual frequency values of the call's endpoint anomaly findings (evidence owner
    /// ENDPOINT). Volume and periodicity figures are not values of a table, so only the peer of a
    /// TrafficVolumeUnusual or Beaconing finding is remembered.
    /// </summary>
    private void RememberAnomalies(IReadOnlyList<Finding> findings)
    {
        foreach (var finding in findings)
        {
            if (finding.Service.Detection?.Anomaly?.Unusual.Behavior.GetValueOrDefault("ENDPOINT") is not { } unusual)
            {
                continue;
            }

            var values = new List<EndpointAnomalyValue>();
            foreach (var (feature, item) in unusual)
            {
                if (item.ProfileType == "FREQUENCY" && DimensionOf(feature) is { } dimension)
                {
                    values.AddRange((item.Observations.Text ?? []).Take(8).Select(text => new EndpointAnomalyValue { Dimension = dimension.ToString(), Value = text }));
                }
            }

            if (values.Count == 0)
            {
                continue;
            }

            Persisted.RecentAnomalies.RemoveAll(memory => memory.FindingId == finding.Id);
            if (Persisted.RecentAnomalies.Count >= MaxRememberedAnomalies)
            {
                Persisted.RecentAnomalies.RemoveAt(0);
            }

            Persisted.RecentAnomalies.Add(new EndpointAnomalyMemory { FindingId = finding.Id, Values = values });
        }
    }

    private static EndpointDimension? DimensionOf(string feature) => feature switch
    {
        "REMOTE_PORT" => EndpointDimension.RemotePort,
        "PEER" => EndpointDimension.Peer,
        "DNS_RESOLVER" => EndpointDimension.DnsResolver,
        "DOH_SERVER" => EndpointDimension.DohServer,
        "DOT_SERVER" => EndpointDimension.DotServer,
        "DOMAIN" => EndpointDimension.Domain,
        _ => null,
    };

    public Task<EndpointSummary> GetSummaryAsync(string tenantId)
    {
        var (grainTenant, endpointKey) = PrincipalGrain.SplitKey(this.GetPrimaryKeyString());
        if (tenantId != grainTenant)
        {
            throw new ArgumentException($"Summary request for tenant '{tenantId}' sent to endpoint grain of tenant '{grainTenant}'.", nameof(tenantId));
        }

        return Task.FromResult(new EndpointSummary
        {
            Key = endpointKey,
            FlowsApplied = Persisted.FlowsApplied,
            QueriesApplied = Persisted.QueriesApplied,
            LastEventTime = Persisted.LastEventTime,
            FlowWindows = Persisted.FlowWindows.Windows.Count,
            Profile = EndpointProfileSummaryBuilder.Summarize(profile, Persisted.LastEventTime ?? EndpointProfileSummaryBuilder.AsOf(profile)),
        });
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

    /// <summary>
    /// Returns the later of <paramref name="newest"/> and the newest flow time in <paramref name="records"/>.
    /// Not async, so the 152-byte records are not copied into the grain call's state machine one by one.
    /// </summary>
    private static DateTimeOffset? Newest(IReadOnlyList<FlowRecord> records, DateTimeOffset? newest)
    {
        for (var index = 0; index < records.Count; index++)
        {
            var record = records[index];
            var time = record.End ?? record.Start;
            if (time is not null && (newest is null || time > newest))
            {
                newest = time;
            }
        }

        return newest;
    }

    protected override void OnStateLoaded()
    {
        chunks = new BoundedRecentSet(Persisted.AppliedChunks, MaxRememberedChunks);
        try
        {
            profile = EndpointProfile.Deserialize(Persisted.Profile, profileOptions);
        }
        catch (InvalidDataException exception)
        {
            // The profile is rebuilt from new records; only what it had learned is lost.
            EndpointLog.ProfileLoadFailed(logger, exception, Vigil.Contracts.Text.LogText.Escape(this.GetPrimaryKeyString()));
            profile = new EndpointProfile(profileOptions);
        }
    }

    protected override void PrepareWrite()
    {
        Persisted.AppliedChunks = chunks.ToList();
        if (Persisted.LastEventTime is { } last)
        {
            profile.Prune(last);
        }

        Persisted.Profile = profile.RecordCount == 0 ? null : profile.Serialize();
    }
}

internal static partial class EndpointLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored profile of endpoint grain {GrainKey} cannot be read; the endpoint starts learning again")]
    public static partial void ProfileLoadFailed(ILogger logger, Exception exception, string grainKey);
}
