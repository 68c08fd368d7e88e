using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Integrity;
using Vigil.Ingestion.Objects;

namespace Vigil.Detection.Integrity;

/// <summary>
/// Validates the digest chains of one trail bucket again and again as digests arrive, and turns
/// each new problem into a finding: a modified or deleted log file, a missing or invalid digest,
/// or a break in the chain. A break that follows a successful StopLogging, DeleteTrail or
/// UpdateTrail call in the last log files before it is a pause of logging, not tampering, and
/// raises nothing here; the built-in <c>Stealth:IAMUser/CloudTrailLoggingDisabled</c> type covers
/// the call itself. The problem registry decides which problems are new, so it decides whether a
/// problem seen by an earlier check, an earlier process or another silo is raised again. Not
/// thread-safe: one service owns an instance.
/// </summary>
public sealed class TrailIntegrityMonitor(ITrailObjectStore store, string? bucket, PublicKeyList publicKeys, TrailValidatorOptions options, ITrailProblemRegistry? problems = null)
{
    /// <summary>Log files read, per break, to look for the call that stopped logging.</summary>
    public const int MaxLogFilesScannedPerGap = 200;

    /// <summary>Largest log file read into memory to look for a logging change, in bytes.</summary>
    public const long MaxLogFileBytesScanned = 256L * 1024 * 1024;

    /// <summary>How far before the newest digest seen so far each later check starts.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(3);

    private static readonly string[] LoggingChanges = ["StopLogging", "DeleteTrail", "UpdateTrail"];

    private readonly ITrailProblemRegistry registry = problems ?? new InMemoryTrailProblemRegistry();

    /// <summary>The public keys the next check uses; replace it when the key file changes.</summary>
    public PublicKeyList PublicKeys { get; set; } = publicKeys;

    /// <summary>
    /// End time of the newest digest validated so far; null before the first check, which then
    /// validates every digest. Set it from stored state to resume after a restart.
    /// </summary>
    public DateTimeOffset? NewestDigestEnd { get; set; }

    /// <summary>Object key of the digest that ends at <see cref="NewestDigestEnd"/>, when a check of this instance found it.</summary>
    public string? NewestDigestKey { get; private set; }

    /// <summary>The breaks in the digest chain that the last check found, whether or not a logging change explained them.</summary>
    public int LastChainBreaks { get; private set; }

    /// <summary>The counts of the last check, or null before the first.</summary>
    public TrailValidationSummary? LastSummary { get; private set; }

    /// <summary>The problems the last check recorded as new, whether or not each raised a finding.</summary>
    public IReadOnlyList<string> LastNewProblems { get; private set; } = [];

    /// <summary>
    /// Returns the start of the next check: <see cref="Overlap"/> before <see cref="NewestDigestEnd"/>,
    /// or null (no lower bound) before the first check.
    /// </summary>
    public DateTimeOffset? NextStartTime => NewestDigestEnd - Overlap;

    /// <summary>
    /// Validates the digests delivered since a little before the newest one the previous check saw
    /// (all of them on the first check) and returns findings for the problems the registry reports as new.
    /// </summary>
    public async Task<IReadOnlyList<Finding>> CheckAsync(DetectionContext context, CancellationToken cancellationToken)
    {
        LastNewProblems = [];
        var bucketName = bucket ?? await TrailValidator.FindBucketAsync(store, options, cancellationToken);
        if (bucketName is null)
        {
            return [];
        }

        var collector = new Collector();
        var validator = new TrailValidator(store, bucketName, PublicKeys, options);
        LastSummary = await validator.ValidateAsync(NextStartTime, context.Clock.GetUtcNow(), collector, cancellationToken);
        LastChainBreaks = collector.Gaps.Count;

        var candidates = new List<string>();
        foreach (var result in collector.Digests)
        {
            if (result.Digest is { } digest && (NewestDigestEnd is null || digest.DigestEndTime >= NewestDigestEnd))
            {
                NewestDigestEnd = digest.DigestEndTime;
                NewestDigestKey = result.Key;
            }

            if (!result.IsValid)
            {
                candidates.Add(DigestProblem(result));
            }
        }

        candidates.AddRange(collector.LogFiles.Where(result => !result.IsValid).Select(LogFileProblem));
        candidates.AddRange(collector.Gaps.Select(gap => GapProblem(gap.From, gap.To)));
        var added = await registry.AddNewAsync(candidates, cancellationToken);
        LastNewProblems = [.. candidates.Where(added.Contains)];

        var findings = new List<Finding>();
        findings.AddRange(collector.Digests.Where(result => !result.IsValid && added.Contains(DigestProblem(result))).Select(result => ForDigest(context, bucketName, result)));
        findings.AddRange(collector.LogFiles.Where(result => !result.IsValid && added.Contains(LogFileProblem(result))).Select(result => ForLogFile(context, bucketName, result)));
        foreach (var (from, to) in collector.Gaps.Where(gap => added.Contains(GapProblem(gap.From, gap.To))))
        {
            var pause = await FindLoggingChangeAsync(from, cancellationToken);
            if (pause is null)
            {
                var chain = collector.Digests.Select(result => DigestKey.TryParse(result.Key)).OfType<DigestKey>().FirstOrDefault(key => key.EndTime > to);
                findings.Add(ForGap(context, bucketName, chain?.AccountId, chain?.Region, from, to));
            }
        }

        return FindingAggregation.MergeById(findings);
    }

    private static string DigestProblem(DigestResult result) => $"digest|{result.Key}|{result.Verdict}";

    private static string LogFileProblem(LogFileResult result) => $"log|{result.Key}|{result.Verdict}";

    private static string GapProblem(DateTimeOffset from, DateTimeOffset to) => $"gap|{from:O}|{to:O}";

    /// <summary>
    /// Reads the log files listed by the digest that ends at <paramref name="gapStart"/> and returns
    /// the first successful StopLogging, DeleteTrail or UpdateTrail call in them, or null.
    /// </summary>
    private async Task<CloudTrailEvent?> FindLoggingChangeAsync(DateTimeOffset gapStart, CancellationToken cancellationToken)
    {
        var keys = await store.ListDigestKeysAsync(cancellationToken);
        var before = keys.Select(DigestKey.TryParse).OfType<DigestKey>().Where(key => key.EndTime == gapStart).ToList();
        var reader = new CloudTrailObjectReader();
        foreach (var digestKey in before)
        {
            await using var raw = await store.OpenAsync(digestKey.Key, cancellationToken);
            if (raw is null)
            {
                continue;
            }

            DigestFile digest;
            try
            {
                digest = DigestFileParser.Parse(await DigestFileParser.ReadContentAsync(raw, options.MaxDigestBytes, cancellationToken));
            }
            catch (DigestFormatException)
            {
                continue;
            }

            foreach (var logFile in digest.LogFiles.Take(MaxLogFilesScannedPerGap))
            {
                var found = await FindInLogFileAsync(reader, logFile, cancellationToken);
                if (found is not null)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Returns the first successful logging change in the log file, or null. Only a file whose
    /// SHA-256 equals the digest's record counts, so a forged file cannot explain a break.
    /// </summary>
    private async Task<CloudTrailEvent?> FindInLogFileAsync(CloudTrailObjectReader reader, DigestLogFile logFile, CancellationToken cancellationToken)
    {
        await using var raw = await store.OpenAsync(logFile.S3Object, cancellationToken);
        if (raw is null)
        {
            return null;
        }

        byte[] content;
        try
        {
            content = await DigestFileParser.ReadContentAsync(raw, Math.Min(options.MaxLogFileBytes, MaxLogFileBytesScanned), cancellationToken);
        }
        catch (DigestFormatException)
        {
            // A damaged or oversized log file explains nothing; its own verdict reports it.
            return null;
        }

        if (!string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), logFile.HashValue, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        CloudTrailEvent? found = null;
        await reader.ReadAsync(
            new MemoryStream(content, writable: false),
            logFile.S3Object,
            DateTimeOffset.UnixEpoch,
            events =>
            {
                found ??= events.FirstOrDefault(record => record.Succeeded
                    && string.Equals(record.EventSource, "cloudtrail.amazonaws.com", StringComparison.Ordinal)
                    && LoggingChanges.Contains(record.EventName, StringComparer.Ordinal));
                return ValueTask.CompletedTask;
            },
            _ => { },
            cancellationToken);
        return found;
    }

    private static Finding ForDigest(DetectionContext context, string bucketName, DigestResult result)
    {
        var template = result.Verdict == DigestVerdict.NotFound
            ? new FindingTemplate("Stealth:S3/CloudTrailDigestMissing", 5, "A CloudTrail digest file is missing",
                $"The digest file {result.Key} in bucket {bucketName}, which the digest chain refers to, is missing ({result.Message}). Its log files cannot be proven unchanged.")
            : new FindingTemplate("Stealth:S3/CloudTrailDigestInvalid", 8, "A CloudTrail digest file is invalid",
                $"The digest file {result.Key} in bucket {bucketName} failed validation: {result.Message}. Its list of log files cannot be trusted.");
        var key = DigestKey.TryParse(result.Key);
        return Create(context, template, key?.AccountId, key?.Region, bucketName, result.Key, result.Digest?.DigestEndTime ?? key?.EndTime, result.Message);
    }

    private static Finding ForLogFile(DetectionContext context, string bucketName, LogFileResult result)
    {
        var template = result.Verdict == LogFileVerdict.NotFound
            ? new FindingTemplate("Stealth:S3/CloudTrailLogFileDeleted", 8, "A CloudTrail log file was deleted",
                $"The log file {result.Key}, listed in a valid digest, is missing from bucket {bucketName}.")
            : new FindingTemplate("Stealth:S3/CloudTrailLogFileModified", 8, "A CloudTrail log file was modified",
                $"The log file {result.Key} in bucket {bucketName} differs from what its valid digest recorded: {result.Message}.");
        var (account, region) = LogKeyLayout.Parse(result.Key);
        return Create(context, template, account, region, bucketName, result.Key, null, result.Message);
    }

    private static Finding ForGap(DetectionContext context, string bucketName, string? account, string? region, DateTimeOffset from, DateTimeOffset to)
    {
        var template = new FindingTemplate("Stealth:S3/CloudTrailDigestChainBroken", 5, "The CloudTrail digest chain is broken",
            $"CloudTrail delivered no digest between {from:O} and {to:O} in bucket {bucketName}, and the last log files before the break contain no StopLogging, DeleteTrail or UpdateTrail call that would explain it.");
        return Create(context, template, account, region, bucketName, $"{from:O}/{to:O}", to, "digest chain restarted");
    }

    private static Finding Create(DetectionContext context, FindingTemplate template, string? accountId, string? regionName, string bucketName, string objectKey, DateTimeOffset? time, string message)
    {
        var account = accountId ?? "unknown";
        var region = regionName ?? "unknown";
        var resource = new FindingResource { ResourceType = "S3Bucket" };
        var action = new FindingAction
        {
            ActionType = "AWS_API_CALL",
            AwsApiCallAction = new AwsApiCallAction
            {
                ServiceName = "cloudtrail.amazonaws.com",
                CallerType = "Unknown",
                AffectedResources = new Dictionary<string, string> { ["AWS::S3::Bucket"] = bucketName, ["AWS::S3::Object"] = objectKey },
            },
        };
        var info = new Dictionary<string, string> { ["bucket"] = bucketName, ["object"] = objectKey, ["verdict"] = message };
        var occurrence = new FindingOccurrence(account, region, "trail-bucket:" + bucketName, "TARGET", time ?? context.Clock.GetUtcNow());
        return FindingFactory.Create(context, template, occurrence, resource, action, null, info);
    }

    private sealed class Collector : ITrailValidationListener
    {
        public List<DigestResult> Digests { get; } = [];

        public List<LogFileResult> LogFiles { get; } = [];

        public List<(DateTimeOffset From, DateTimeOffset To)> Gaps { get; } = [];

        public void OnDigest(DigestResult result) => Digests.Add(result);

        public void OnLogFile(LogFileResult result) => LogFiles.Add(result);

        public void OnGap(DateTimeOffset from, DateTimeOffset to) => Gaps.Add((from, to));
    }
}
