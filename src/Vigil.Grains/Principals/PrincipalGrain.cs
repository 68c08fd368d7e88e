using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Profiles;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;
using Vigil.Enrichment;
using Vigil.Grains.Diagnostics;
using Vigil.Rules;
using Vigil.Rules.Correlation;

namespace Vigil.Grains.Principals;

/// <summary>
/// Scores one principal's CloudTrail events. Thin glue: the detection library decides, the finding
/// sink stores, and this grain remembers which events and chunks it has already applied. State is
/// written behind on a timer and on deactivation, never once per event.
/// </summary>
public sealed class PrincipalGrain(
    [PersistentState("principal", VigilGrainStorage.Name)] IPersistentState<PrincipalState> state,
    IFindingSink findingSink,
    ThreatIntelRegistry intel,
    RuleRegistry rules,
    TimeProvider clock,
    VigilInstruments instruments,
    IpEnricher enricher,
    DetectorSettingsRegistry settings,
    ILogger<PrincipalGrain> logger) : WriteBehindGrain<PrincipalState>(state, logger), IPrincipalGrain
{
    /// <summary>Event ids remembered for duplicate detection; CloudTrail redelivers within hours, not weeks.</summary>
    internal const int MaxRememberedEventIds = 20_000;

    internal const int MaxRememberedChunks = 2_000;

    private BoundedRecentSet eventIds = null!;
    private BoundedRecentSet chunks = null!;
    private PrincipalProfile profile = null!;

    // Open correlation windows of the tenant's rules for this principal; kept in memory only.
    private readonly CorrelationState ruleState = new();

    public async Task<BatchResult> ApplyCloudTrailAsync(CloudTrailBatch batch)
    {
        var (tenantId, principalKey) = SplitKey(this.GetPrimaryKeyString());
        if (batch.TenantId != tenantId)
        {
            throw new ArgumentException($"Batch for tenant '{batch.TenantId}' sent to principal grain of tenant '{tenantId}'.", nameof(batch));
        }

        var chunkKey = ChunkKey(batch.ObjectKey, "cloudtrail", batch.ChunkIndex);
        if (chunks.Contains(chunkKey))
        {
            GrainLog.ChunkAlreadyApplied(logger, chunkKey, this.GetPrimaryKeyString());
            return new BatchResult(0, batch.Events.Count, 0);
        }

        // Decide what is new without changing state, so a failed finding write can be retried in full.
        var seenInBatch = new HashSet<string>(StringComparer.Ordinal);
        var fresh = new List<CloudTrailEvent>(batch.Events.Count);
        foreach (var record in batch.Events)
        {
            if (!eventIds.Contains(record.EventId) && seenInBatch.Add(record.EventId))
            {
                fresh.Add(record);
            }
        }

        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var detectors = settings.For(tenantId);
        UseProfileOptions(detectors.Profiles);
        var findings = CloudTrailDetection.Default.Inspect(fresh, principalKey, context)
            .Concat(rules.For(tenantId).InspectCloudTrail(fresh, principalKey, context, ruleState)).ToList();

        // The profile learns while it scores, so keep its state from before the chunk: a chunk whose
        // findings fail to store is retried in full and must find the same anomalies again.
        var profileBefore = profile.Serialize();
        try
        {
            var anomalies = await PrincipalProfiling.ScoreAsync(GrainFactory, principalKey, profile, fresh, enricher, context);
            findings = [.. detectors.Filter([.. findings, .. anomalies])];
            if (findings.Count > 0)
            {
                await findingSink.WriteOnceAsync(tenantId, FindingWriteKey(chunkKey), findings, CancellationToken.None);
                foreach (var finding in findings)
                {
                    instruments.RecordFindings(finding.Type, finding.Service.Count);
                }
            }
        }
        catch
        {
            profile = PrincipalProfile.Deserialize(profileBefore, detectors.Profiles);
            throw;
        }

        Remember(chunkKey, fresh, batch.Events.Count - fresh.Count);
        var occurrences = findings.Sum(finding => (int)finding.Service.Count);
        return new BatchResult(fresh.Count, batch.Events.Count - fresh.Count, occurrences);
    }

    public Task<bool> MarkAnomalyNotUsefulAsync(string tenantId, string findingId)
    {
        var (grainTenant, _) = SplitKey(this.GetPrimaryKeyString());
        if (tenantId != grainTenant)
        {
            throw new ArgumentException($"Feedback for tenant '{tenantId}' sent to principal grain of tenant '{grainTenant}'.", nameof(tenantId));
        }

        var taught = profile.TryTeach(findingId);
        if (taught)
        {
            MarkDirty();
        }

        return Task.FromResult(taught);
    }

    public Task<PrincipalSummary> GetSummaryAsync(string tenantId)
    {
        var (grainTenant, principalKey) = SplitKey(this.GetPrimaryKeyString());
        if (tenantId != grainTenant)
        {
            throw new ArgumentException($"Summary request for tenant '{tenantId}' sent to principal grain of tenant '{grainTenant}'.", nameof(tenantId));
        }

        var behavior = profile.Behavior;
        var signIn = profile.LastSignIn;
        return Task.FromResult(new PrincipalSummary
        {
            Key = principalKey,
            EventsApplied = Persisted.EventsApplied,
            DuplicatesDropped = Persisted.DuplicatesDropped,
            LastEventTime = Persisted.LastEventTime,
            LastSignInPlace = signIn is null ? null : signIn.City is { } city ? $"{city}, {signIn.CountryCode}" : signIn.CountryCode,
            LastSignInTime = signIn?.Time,
            RememberedAnomalies = profile.RememberedFindingIds.Count,
            Profile = ProfileSummaryBuilder.Summarize(behavior, profile.LastEventTime ?? ProfileSummaryBuilder.AsOf(behavior)),
        });
    }

    /// <summary>Splits a grain key <c>tenant/account/principal</c> into the tenant and the principal key.</summary>
    internal static (string TenantId, string PrincipalKey) SplitKey(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new ArgumentException($"Principal grain key '{grainKey}' has no tenant prefix.", nameof(grainKey));
        }

        return (grainKey[..slash], grainKey[(slash + 1)..]);
    }

    /// <summary>Rebuilds the profile with the tenant's options when its settings changed (a new learning period); what it learned stays.</summary>
    private void UseProfileOptions(ProfileOptions options)
    {
        if (profile.Behavior.Options != options)
        {
            profile = PrincipalProfile.Deserialize(profile.Serialize(), options);
        }
    }

    private void Remember(string chunkKey, List<CloudTrailEvent> applied, int duplicates)
    {
        foreach (var record in applied)
        {
            eventIds.Add(record.EventId);
            if (Persisted.LastEventTime is null || record.EventTime > Persisted.LastEventTime)
            {
                Persisted.LastEventTime = record.EventTime;
            }
        }

        chunks.Add(chunkKey);
        Persisted.EventsApplied += applied.Count;
        Persisted.DuplicatesDropped += duplicates;
        MarkDirty();
    }

    protected override void OnStateLoaded()
    {
        eventIds = new BoundedRecentSet(Persisted.RecentEventIds, MaxRememberedEventIds);
        chunks = new BoundedRecentSet(Persisted.AppliedChunks, MaxRememberedChunks);
        var (tenantId, _) = SplitKey(this.GetPrimaryKeyString());
        profile = PrincipalProfileStore.Load(Persisted.Profile, settings.For(tenantId).Profiles, logger, this.GetPrimaryKeyString());
    }

    protected override void PrepareWrite()
    {
        Persisted.RecentEventIds = eventIds.ToList();
        Persisted.AppliedChunks = chunks.ToList();
        Persisted.Profile = profile.Serialize();
    }
}
