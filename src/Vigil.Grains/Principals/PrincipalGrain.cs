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
using Vigil.Grains.Accounts;
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
    AccountObservationBatcher accountObservations,
    ILogger<PrincipalGrain> logger) : WriteBehindGrain<PrincipalState>(state, logger), IPrincipalGrain
{
    /// <summary>Maximum number of event ids remembered for duplicate detection, however many fall in <see cref="EventIdWindow"/>.</summary>
    internal const int MaxRememberedEventIds = 20_000;

    /// <summary>
    /// How far behind the principal's newest event time an event id stays remembered. A redelivered
    /// file, a repeated queue message or a retried chunk repeats events of the last hours, so one day
    /// covers them with a margin. Older ids would only cost memory.
    /// </summary>
    public static readonly TimeSpan EventIdWindow = TimeSpan.FromHours(24);

    /// <summary>Maximum number of chunk keys remembered. They leave by count only, because a chunk is sent again after a wall-clock delay that event times do not bound.</summary>
    internal const int MaxRememberedChunks = 2_000;

    private RecentKeySet eventIds = null!;
    private RecentKeySet chunks = null!;
    private PrincipalProfile profile = null!;

    // Open correlation windows of the tenant's rules for this principal; kept in memory only.
    private readonly CorrelationState ruleState = new();

    // The account profile grain of the principal's account, kept because GetGrain resolves the grain
    // interface by reflection and parses type names: about 3% of the bytes of a CloudTrail replay.
    private IAccountProfileGrain? accountProfile;
    private string? accountProfileKey;

    // The tenant and the principal key of this grain's key, split once per activation.
    private (string TenantId, string PrincipalKey) grainKeyParts;

    public async Task<IReadOnlyList<BatchResult>> ApplyCloudTrailAsync(CloudTrailChunks batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (tenantId, principalKey) = grainKeyParts;
        if (batch.TenantId != tenantId)
        {
            throw new ArgumentException($"Batch for tenant '{batch.TenantId}' sent to principal grain of tenant '{tenantId}'.", nameof(batch));
        }

        // Decide what is new without changing state, so a failed finding write can be retried in full.
        var results = new BatchResult[batch.Chunks.Count];
        var applied = new List<AppliedChunk>(batch.Chunks.Count);
        // A call of one event, the most common size, cannot repeat an event id within itself.
        HashSet<string>? seenInCall = batch.Chunks is [] or [{ Records.Count: <= 1 }] ? null : new(RecordCount(batch), StringComparer.Ordinal);
        HashSet<string>? chunksInCall = batch.Chunks.Count > 1 ? new(StringComparer.Ordinal) : null;
        for (var index = 0; index < batch.Chunks.Count; index++)
        {
            var chunk = batch.Chunks[index];
            if (chunks.Contains(chunk.ChunkKey) || (chunksInCall is not null && !chunksInCall.Add(chunk.ChunkKey)))
            {
                GrainLog.ChunkAlreadyApplied(logger, chunk.ChunkKey, this.GetPrimaryKeyString());
                results[index] = new BatchResult(0, chunk.Records.Count, 0);
                continue;
            }

            // Each event id is hashed once, here, and Remember adds the same hashes.
            var fresh = new List<CloudTrailEvent>(chunk.Records.Count);
            var freshHashes = new List<ulong>(chunk.Records.Count);
            for (var position = 0; position < chunk.Records.Count; position++)
            {
                var record = chunk.Records[position];
                var hash = RecentKeySet.Hash(record.EventId);
                if (!eventIds.Contains(hash) && (seenInCall is null || seenInCall.Add(record.EventId)))
                {
                    fresh.Add(record);
                    freshHashes.Add(hash);
                }
            }

            applied.Add(new AppliedChunk(index, chunk.ChunkKey, fresh, freshHashes, chunk.Records.Count - fresh.Count));
        }

        var context = new DetectionContext(tenantId, intel.For(tenantId), clock);
        var detectors = settings.For(tenantId);
        UseProfileOptions(detectors.Profiles);
        var ruleSet = rules.For(tenantId);

        // The profile learns while it scores, so it records what the call changes: a call whose
        // findings fail to store is retried in full and must find the same anomalies again. Faded
        // values are dropped first, as Serialize does, so the call scores the profile that a grain
        // reloaded from its stored state would score.
        profile.Behavior.Prune(profile.LastEventTime ?? DateTimeOffset.UnixEpoch);
        profile.BeginChanges();
        try
        {
            var freshByChunk = new IReadOnlyList<CloudTrailEvent>[applied.Count];
            for (var position = 0; position < applied.Count; position++)
            {
                freshByChunk[position] = applied[position].Fresh;
            }

            var account = AccountProfileOf(tenantId, principalKey);
            var anomalies = await PrincipalProfiling.ScoreAsync(account, accountProfileKey!, accountObservations, principalKey, profile, freshByChunk, enricher, context);

            // Most calls raise nothing, so the built-in detectors, which keep no state, first run over
            // all new events at once. Only when that raises a finding, or when the tenant has
            // CloudTrail rules (whose correlation windows must see each event once), do they run chunk
            // by chunk, because each chunk's findings are stored under the chunk's own write key.
            var byChunk = ruleSet.Has(SigmaLogSource.CloudTrail)
                || anomalies.Any(found => found.Count > 0)
                || CloudTrailDetection.Default.Inspect(applied.Count == 1 ? applied[0].Fresh : AllFresh(applied), principalKey, context).Count > 0;
            for (var position = 0; position < applied.Count; position++)
            {
                var chunk = applied[position];
                if (!byChunk)
                {
                    results[chunk.Index] = new BatchResult(chunk.Fresh.Count, chunk.Duplicates, 0);
                    continue;
                }

                var findings = detectors.Filter([
                    .. CloudTrailDetection.Default.Inspect(chunk.Fresh, principalKey, context),
                    .. ruleSet.InspectCloudTrail(chunk.Fresh, principalKey, context, ruleState),
                    .. anomalies[position]]);
                var occurrences = 0;
                if (findings.Count > 0)
                {
                    await findingSink.WriteOnceAsync(tenantId, FindingWriteKey(chunk.ChunkKey), findings, CancellationToken.None);
                    foreach (var finding in findings)
                    {
                        instruments.RecordFindings(finding.Type, finding.Service.Count);
                        occurrences += (int)finding.Service.Count;
                    }
                }

                results[chunk.Index] = new BatchResult(chunk.Fresh.Count, chunk.Duplicates, occurrences);
            }
        }
        catch
        {
            profile.RollBackChanges();
            throw;
        }

        profile.CommitChanges();

        foreach (var chunk in applied)
        {
            Remember(chunk.ChunkKey, chunk.Fresh, chunk.FreshHashes, chunk.Duplicates);
        }

        return results;
    }

    private static int RecordCount(CloudTrailChunks batch)
    {
        var count = 0;
        for (var index = 0; index < batch.Chunks.Count; index++)
        {
            count += batch.Chunks[index].Records.Count;
        }

        return count;
    }

    private static List<CloudTrailEvent> AllFresh(List<AppliedChunk> applied)
    {
        var count = 0;
        foreach (var chunk in applied)
        {
            count += chunk.Fresh.Count;
        }

        var all = new List<CloudTrailEvent>(count);
        foreach (var chunk in applied)
        {
            all.AddRange(chunk.Fresh);
        }

        return all;
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

    private IAccountProfileGrain AccountProfileOf(string tenantId, string principalKey)
    {
        if (accountProfile is null)
        {
            var account = principalKey[..Math.Max(0, principalKey.IndexOf('/', StringComparison.Ordinal))];
            accountProfileKey = $"{tenantId}/{account}";
            accountProfile = GrainFactory.GetGrain<IAccountProfileGrain>(accountProfileKey);
        }

        return accountProfile;
    }

    /// <summary>Rebuilds the profile with the tenant's options when its settings changed (a new learning period); what it learned stays.</summary>
    private void UseProfileOptions(ProfileOptions options)
    {
        if (profile.Behavior.Options != options)
        {
            profile = PrincipalProfile.Deserialize(profile.Serialize(), options);
        }
    }

    private void Remember(string chunkKey, List<CloudTrailEvent> applied, List<ulong> appliedHashes, int duplicates)
    {
        for (var index = 0; index < applied.Count; index++)
        {
            var record = applied[index];
            eventIds.Add(appliedHashes[index], record.EventTime);
            if (Persisted.LastEventTime is null || record.EventTime > Persisted.LastEventTime)
            {
                Persisted.LastEventTime = record.EventTime;
            }
        }

        chunks.Add(chunkKey, Persisted.LastEventTime ?? DateTimeOffset.UnixEpoch);
        Persisted.EventsApplied += applied.Count;
        Persisted.DuplicatesDropped += duplicates;
        MarkDirty();
    }

    /// <summary>A chunk of the current call that was not applied before: its place in the call, its key, its new events with the hashes of their ids, and the duplicates dropped.</summary>
    private sealed record AppliedChunk(int Index, string ChunkKey, List<CloudTrailEvent> Fresh, List<ulong> FreshHashes, int Duplicates);

    protected override void OnStateLoaded()
    {
        var legacyTime = Persisted.LastEventTime;
        eventIds = RecentKeyStore.Load(Persisted.RecentEventIdHashes, Persisted.RecentEventIds, legacyTime, MaxRememberedEventIds, EventIdWindow, logger, this.GetPrimaryKeyString());
        chunks = RecentKeyStore.Load(Persisted.AppliedChunkHashes, Persisted.AppliedChunks, legacyTime, MaxRememberedChunks, Timeout.InfiniteTimeSpan, logger, this.GetPrimaryKeyString());
        grainKeyParts = SplitKey(this.GetPrimaryKeyString());
        var (tenantId, _) = grainKeyParts;
        profile = PrincipalProfileStore.Load(Persisted.Profile, settings.For(tenantId).Profiles, logger, this.GetPrimaryKeyString());
    }

    protected override void PrepareWrite()
    {
        Persisted.RecentEventIdHashes = eventIds.Serialize();
        Persisted.RecentEventIds = [];
        Persisted.AppliedChunkHashes = chunks.Serialize();
        Persisted.AppliedChunks = [];
        Persisted.Profile = profile.Serialize();
    }
}
