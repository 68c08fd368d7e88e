using Amazon.S3;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection;
using Vigil.Detection.Integrity;
using Vigil.Detection.Intel;
using Vigil.Host.Services;
using Vigil.Host.Sources;
using Vigil.Ingestion.Integrity;

namespace Vigil.Host.Integrity;

/// <summary>What one check of one source did: skipped (another silo holds the lease), the findings stored, or the error.</summary>
public sealed record SourceTrailCheckResult(bool Leased, IReadOnlyList<Finding> Findings, string? Error, TrailValidationSummary? Summary);

/// <summary>
/// Validates the CloudTrail digest chains of one folder or S3 source and stores a finding of the
/// source's tenant for each problem not raised before. The validation state (how far the chains
/// were validated, and the problems raised) lives in <see cref="ITrailIntegrityStore"/>, so a
/// restart resumes where the last check stopped, and a lease lets one silo at a time check a source.
/// Folder sources are read from disk; S3 sources through the source's S3 client (endpoint, Region
/// and the standard AWS credentials), below the digest folder that matches the source's prefix.
/// </summary>
public sealed partial class SourceTrailValidator(
    ITrailIntegrityStore state,
    TrailPublicKeySource publicKeys,
    IFindingSink findings,
    ThreatIntelRegistry intel,
    TimeProvider clock,
    ILogger<SourceTrailValidator> logger,
    string? watchFolderBucket = null) : IDisposable
{
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Dictionary<Guid, (SourceDefinition Source, AmazonS3Client Client)> clients = [];
    private readonly Dictionary<Guid, string> lastErrors = [];

    /// <summary>True for the source kinds whose objects can hold digests: folders and S3 buckets.</summary>
    public static bool CanValidate(SourceDefinition source) =>
        source.Kind is SourceKind.Folder or SourceKind.S3Listing or SourceKind.S3Notifications;

    /// <summary>
    /// Checks one source when no other silo holds its lease. The lease lasts <paramref name="leaseTime"/>
    /// unless the check ends first. A failure is stored as the source's last error and returned, not raised.
    /// </summary>
    public async Task<SourceTrailCheckResult> CheckAsync(SourceDefinition source, TimeSpan leaseTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var now = clock.GetUtcNow();
        var leased = await state.TryLeaseAsync(source.TenantId, source.Id, owner, now, now + leaseTime, cancellationToken);
        if (leased is null)
        {
            return new SourceTrailCheckResult(false, [], null, null);
        }

        IReadOnlyList<Finding> raised = [];
        string? error = null;
        TrailIntegrityMonitor? monitor = null;
        try
        {
            var store = new ListingSnapshotTrailObjectStore(OpenStore(source));
            monitor = new TrailIntegrityMonitor(store, BucketOf(source), new PublicKeyList([]), TrailValidatorOptions.Default, new StoredProblemRegistry(state, source, clock))
            {
                NewestDigestEnd = leased.NewestDigestEnd,
            };
            monitor.PublicKeys = await publicKeys.ForDigestsAsync(await store.ListDigestKeysAsync(cancellationToken), monitor.NextStartTime, cancellationToken);
            raised = await monitor.CheckAsync(new DetectionContext(source.TenantId, intel.For(source.TenantId), clock), cancellationToken);
            if (raised.Count > 0)
            {
                await WriteFindingsAsync(source, raised, monitor.LastNewProblems, cancellationToken);
                LogProblemsFound(logger, raised.Count, LogText.Escape(source.Name), source.TenantId);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            error = SourceReader.Describe(exception);
            raised = [];
            if (!lastErrors.TryGetValue(source.Id, out var previous) || previous != error)
            {
                lastErrors[source.Id] = error;
                LogCheckFailed(logger, exception, LogText.Escape(source.Name), source.TenantId, LogText.Escape(error));
            }
            else
            {
                LogCheckStillFailing(logger, LogText.Escape(source.Name), source.TenantId);
            }
        }

        if (error is null)
        {
            lastErrors.Remove(source.Id);
        }

        var summary = error is null ? monitor?.LastSummary : null;
        await state.SaveCheckAsync(new TrailIntegrityCheck
        {
            TenantId = source.TenantId,
            SourceId = source.Id,
            Owner = owner,
            NewestDigestEnd = error is null ? monitor?.NewestDigestEnd : null,
            NewestDigestKey = error is null ? monitor?.NewestDigestKey : null,
            CheckedAt = clock.GetUtcNow(),
            Error = error,
            DigestsValid = summary?.ValidDigests ?? 0,
            DigestsInvalid = summary?.InvalidDigests ?? 0,
            LogFilesValid = summary?.ValidLogFiles ?? 0,
            LogFilesInvalid = summary?.InvalidLogFiles ?? 0,
            ChainBreaks = error is null ? monitor?.LastChainBreaks ?? 0 : 0,
        }, CancellationToken.None);
        return new SourceTrailCheckResult(true, raised, error, summary);
    }

    /// <summary>Disposes the S3 clients of sources that are no longer among <paramref name="current"/>, or whose definition changed.</summary>
    public void Forget(IReadOnlyCollection<SourceDefinition> current)
    {
        var live = current.ToDictionary(source => source.Id);
        foreach (var (id, entry) in clients.ToList())
        {
            if (!live.TryGetValue(id, out var source) || source != entry.Source)
            {
                entry.Client.Dispose();
                clients.Remove(id);
            }
        }
    }

    public void Dispose()
    {
        foreach (var entry in clients.Values)
        {
            entry.Client.Dispose();
        }

        clients.Clear();
    }

    private async Task WriteFindingsAsync(SourceDefinition source, IReadOnlyList<Finding> raised, IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            await findings.WriteAsync(source.TenantId, raised, cancellationToken);
        }
        catch
        {
            // The problems were recorded as raised, but their findings were not stored; forget them so the next check raises them.
            await state.RemoveProblemsAsync(source.TenantId, source.Id, problems, CancellationToken.None);
            throw;
        }
    }

    private ITrailObjectStore OpenStore(SourceDefinition source)
    {
        if (source.Kind == SourceKind.Folder)
        {
            return new FolderTrailObjectStore(source.Folder ?? throw new InvalidOperationException($"The folder source {source.Name} names no folder."));
        }

        if (string.IsNullOrEmpty(source.Bucket))
        {
            throw new InvalidOperationException($"The S3 source {source.Name} names no bucket.");
        }

        if (!clients.TryGetValue(source.Id, out var entry) || entry.Source != source)
        {
            if (entry.Client is not null)
            {
                entry.Client.Dispose();
            }

            entry = (source, AwsClients.S3(source));
            clients[source.Id] = entry;
        }

        return new S3TrailObjectStore(entry.Client, source.Bucket, S3TrailObjectStore.DigestPrefixFor(source.Prefix));
    }

    /// <summary>The bucket an S3 source names; for the watched folder, <c>Vigil:Integrity:Bucket</c>; else null, so the newest digest names it.</summary>
    private string? BucketOf(SourceDefinition source) => source.Kind switch
    {
        SourceKind.Folder when !string.IsNullOrEmpty(watchFolderBucket) && source.Id == SourceRunnerService.WatchFolderSourceId(source.TenantId) => watchFolderBucket,
        SourceKind.Folder => null,
        _ => source.Bucket,
    };

    /// <summary>The problems already raised for one source, kept in <see cref="ITrailIntegrityStore"/>.</summary>
    private sealed class StoredProblemRegistry(ITrailIntegrityStore state, SourceDefinition source, TimeProvider clock) : ITrailProblemRegistry
    {
        public Task<IReadOnlySet<string>> AddNewAsync(IReadOnlyList<string> problems, CancellationToken cancellationToken) =>
            state.AddNewProblemsAsync(source.TenantId, source.Id, problems, clock.GetUtcNow(), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest validation of source {SourceName} found {Count} new integrity problems for tenant {TenantId}; findings stored")]
    private static partial void LogProblemsFound(ILogger logger, int count, string sourceName, string tenantId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Validating the CloudTrail digests of source {SourceName} of tenant {TenantId} failed again for the same reason")]
    private static partial void LogCheckStillFailing(ILogger logger, string sourceName, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Validating the CloudTrail digests of source {SourceName} of tenant {TenantId} failed because {Cause}; the next check runs as scheduled")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string sourceName, string tenantId, string cause);
}
