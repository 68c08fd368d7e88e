using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Detection;
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

    // The current window of the DNS tunnelling and DGA rules; kept in memory only.
    private readonly DnsWindowState dnsWindows = new();

    public async Task<BatchResult> ApplyFlowsAsync(FlowBatch batch)
    {
        var (tenantId, endpointKey) = PrincipalGrain.SplitKey(this.GetPrimaryKeyString());
        var chunkKey = ChunkKey(batch.ObjectKey, "flow", batch.ChunkIndex);
        if (!CheckBatch(batch.TenantId, tenantId, chunkKey))
        {
            return new BatchResult(0, batch.Records.Count, 0);
        }

        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        // The counters change only when the findings are stored, so a failed write can be retried in full.
        var windows = CopyOf(Persisted.FlowWindows);
        var detectors = settings.For(tenantId);
        var findings = new List<Finding>(detectors.Filter(detectors.Network.InspectFlows(batch.Records, endpointKey, context, windows)
            .Concat(rules.For(tenantId).InspectFlows(batch.Records, endpointKey, context, ruleState)).ToList()));

        // The profile learns while it scores, so keep its state from before the chunk: a chunk whose
        // findings fail to store is retried in full and must find the same anomalies again.
        var profileBefore = profile.Serialize();
        int occurrences;
        try
        {
            findings.AddRange(detectors.Filter(EndpointFlowAnomalyDetector.Inspect(batch.Records, endpointKey, context, profile).ToList()));
            occurrences = await StoreAsync(tenantId, chunkKey, findings);
        }
        catch
        {
            profile = EndpointProfile.Deserialize(profileBefore, profileOptions);
            throw;
        }

        chunks.Add(chunkKey);
        RememberAnomalies(findings);
        Persisted.FlowWindows = windows;
        Persisted.FlowsApplied += batch.Records.Count;
        foreach (var record in batch.Records)
        {
            var time = record.End ?? record.Start;
            if (time is not null && (Persisted.LastEventTime is null || time > Persisted.LastEventTime))
            {
                Persisted.LastEventTime = time;
            }
        }

        MarkDirty();
        return new BatchResult(batch.Records.Count, 0, occurrences);
    }

    public async Task<BatchResult> ApplyDnsQueriesAsync(DnsQueryBatch batch)
    {
        var (tenantId, endpointKey) = PrincipalGrain.SplitKey(this.GetPrimaryKeyString());
        var chunkKey = ChunkKey(batch.ObjectKey, "dns", batch.ChunkIndex);
        if (!CheckBatch(batch.TenantId, tenantId, chunkKey))
        {
            return new BatchResult(0, batch.Queries.Count, 0);
        }

        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var detectors = settings.For(tenantId);
        var findings = new List<Finding>(detectors.Filter(detectors.Network.InspectQueries(batch.Queries, endpointKey, context)
            .Concat(rules.For(tenantId).InspectQueries(batch.Queries, endpointKey, context, ruleState)).ToList()));
        var profileBefore = profile.Serialize();
        int occurrences;
        try
        {
            findings.AddRange(detectors.Filter(DnsAnomalyDetector.Default.Inspect(batch.Queries, endpointKey, context, profile, dnsWindows).ToList()));
            occurrences = await StoreAsync(tenantId, chunkKey, findings);
        }
        catch
        {
            // NOTE: the DNS window is emptied rather than restored, so the retried chunk raises what it
            // finds on its own, but names counted from earlier chunks of the window are lost.
            dnsWindows.Reset();
            profile = EndpointProfile.Deserialize(profileBefore, profileOptions);
            throw;
        }

        chunks.Add(chunkKey);
        RememberAnomalies(findings);
        Persisted.QueriesApplied += batch.Queries.Count;
        foreach (var query in batch.Queries)
        {
            if (Persisted.LastEventTime is null || query.QueryTimestamp > Persisted.LastEventTime)
            {
                Persisted.LastEventTime = query.QueryTimestamp;
            }
        }

        MarkDirty();
        return new BatchResult(batch.Queries.Count, 0, occurrences);
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
    /// Remembers the unusual frequency values of the chunk's endpoint anomaly findings (evidence owner
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

    /// <summary>Rejects a batch of another tenant; returns false for a chunk that was already applied.</summary>
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

    private bool CheckBatch(string batchTenantId, string tenantId, string chunkKey)
    {
        if (batchTenantId != tenantId)
        {
            throw new ArgumentException($"Batch for tenant '{batchTenantId}' sent to endpoint grain of tenant '{tenantId}'.", nameof(batchTenantId));
        }

        if (chunks.Contains(chunkKey))
        {
            GrainLog.ChunkAlreadyApplied(logger, chunkKey, this.GetPrimaryKeyString());
            return false;
        }

        return true;
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
