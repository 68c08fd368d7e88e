namespace Vigil.Ingestion.Integrity;

/// <summary>
/// Validates CloudTrail digest chains and the log files they list, in the way of <c>aws cloudtrail
/// validate-logs</c>, for every trail and Region whose digests are in one bucket. Each chain is
/// walked from its newest digest back along the <c>previousDigest*</c> links. Where a link is
/// missing or a digest cannot be read, the walk goes on with the next older digest in the listing.
/// Only the log files of valid digests are checked, because an invalid digest's list is untrusted.
/// </summary>
public sealed class TrailValidator(ITrailObjectStore store, string bucket, PublicKeyList publicKeys, TrailValidatorOptions options)
{
    /// <summary>
    /// Validates the digests whose end time (from the key) lies between <paramref name="startTime"/>
    /// (no lower bound when null) and an hour after <paramref name="endTime"/>. The AWS CLI adds the
    /// extra hour too, because the digest that ends after <paramref name="endTime"/> lists log files delivered before it.
    /// Each chain stops after the first digest that starts before <paramref name="startTime"/>.
    /// </summary>
    public async Task<TrailValidationSummary> ValidateAsync(DateTimeOffset? startTime, DateTimeOffset endTime, ITrailValidationListener listener, CancellationToken cancellationToken)
    {
        if (startTime > endTime)
        {
            throw new ArgumentException($"The start time {startTime:O} is after the end time {endTime:O}.", nameof(startTime));
        }

        var keys = await store.ListDigestKeysAsync(cancellationToken);
        var latest = endTime.AddHours(1);
        var chains = keys
            .Select(DigestKey.TryParse)
            .OfType<DigestKey>()
            .Where(key => (startTime is null || key.EndTime >= startTime) && key.EndTime <= latest)
            .GroupBy(key => key.Chain, StringComparer.Ordinal)
            .OrderBy(chain => chain.Key, StringComparer.Ordinal);

        var tally = new Tally(startTime, endTime, listener);
        foreach (var chain in chains)
        {
            var listing = chain.OrderBy(key => key.EndTime).ThenBy(key => key.Key, StringComparer.Ordinal).ToList();
            await ValidateChainAsync(listing, tally, cancellationToken);
        }

        return tally.Summary();
    }

    /// <summary>
    /// Returns the bucket named by the newest readable digest in <paramref name="store"/>, or null when
    /// no digest can be read. For a folder copied without its bucket name.
    /// </summary>
    public static async Task<string?> FindBucketAsync(ITrailObjectStore store, TrailValidatorOptions options, CancellationToken cancellationToken)
    {
        var keys = await store.ListDigestKeysAsync(cancellationToken);
        var newestFirst = keys.Select(DigestKey.TryParse).OfType<DigestKey>().OrderByDescending(key => key.EndTime).ThenByDescending(key => key.Key, StringComparer.Ordinal);
        foreach (var key in newestFirst)
        {
            await using var raw = await store.OpenAsync(key.Key, cancellationToken);
            if (raw is null)
            {
                continue;
            }

            try
            {
                var content = await DigestFileParser.ReadContentAsync(raw, options.MaxDigestBytes, cancellationToken);
                return DigestFileParser.Parse(content).DigestS3Bucket;
            }
            catch (DigestFormatException)
            {
                // An unreadable digest names no bucket, but the next older one may.
            }
        }

        return null;
    }

    private async Task ValidateChainAsync(List<DigestKey> listing, Tally tally, CancellationToken cancellationToken)
    {
        var checker = new DigestChecker(store, bucket, publicKeys, options);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var newest = listing[^1];
        DigestStep? step = new(bucket, newest.Key, newest.EndTime, null);
        var lastStart = newest.EndTime;

        while (step is not null && (tally.StartTime is null || lastStart >= tally.StartTime))
        {
            visited.Add(step.Key);
            var result = await checker.CheckDigestAsync(step, cancellationToken);
            tally.Add(result);
            if (result.IsValid)
            {
                foreach (var logFile in result.Digest!.LogFiles)
                {
                    tally.Add(await checker.CheckLogFileAsync(logFile, cancellationToken));
                }
            }

            step = NextStep(listing, step, result, visited, tally, ref lastStart);
        }
    }

    /// <summary>
    /// Chooses the digest after <paramref name="step"/>: its previous digest when the file was read
    /// from its own location, otherwise the next older digest in the listing. An invalid digest's link
    /// is followed too, because the link's signature proves the previous digest authentic or not on
    /// its own. So a copy without the newest digest's signature still validates the older digests.
    /// </summary>
    private static DigestStep? NextStep(List<DigestKey> listing, DigestStep step, DigestResult result, HashSet<string> visited, Tally tally, ref DateTimeOffset lastStart)
    {
        if (result.Digest is not { } digest || result.Verdict == DigestVerdict.Moved)
        {
            return OlderInListing(listing, step.EndTime, visited, step.Bucket);
        }

        lastStart = digest.DigestStartTime;
        if (!digest.HasPrevious)
        {
            var older = OlderInListing(listing, step.EndTime, visited, step.Bucket);
            if (older is not null && result.IsValid)
            {
                tally.Listener.OnGap(older.EndTime, digest.DigestStartTime);
            }

            return older;
        }

        // A link must point back in time to a digest not yet visited. Any other link could loop, so
        // the walk treats it as a break.
        var previousKey = digest.PreviousDigestS3Object!;
        var previousEnd = DigestKey.EndTimeOf(previousKey) ?? digest.DigestStartTime;
        if (previousEnd >= step.EndTime || visited.Contains(previousKey))
        {
            return OlderInListing(listing, step.EndTime, visited, step.Bucket);
        }

        var link = new ChainLink(digest.PreviousDigestSignature, digest.PreviousDigestHashValue, digest.PreviousDigestHashAlgorithm, result.IsValid);
        return new DigestStep(digest.PreviousDigestS3Bucket!, previousKey, previousEnd, link);
    }

    private static DigestStep? OlderInListing(List<DigestKey> listing, DateTimeOffset before, HashSet<string> visited, string bucket)
    {
        for (var index = listing.Count - 1; index >= 0; index--)
        {
            var key = listing[index];
            if (key.EndTime < before && !visited.Contains(key.Key))
            {
                return new DigestStep(bucket, key.Key, key.EndTime, null);
            }
        }

        return null;
    }

    /// <summary>Counts results, passes them on, and tracks the delivery times covered by valid digests.</summary>
    private sealed class Tally(DateTimeOffset? startTime, DateTimeOffset endTime, ITrailValidationListener listener)
    {
        private int validDigests;
        private int invalidDigests;
        private int validLogFiles;
        private int invalidLogFiles;
        private DateTimeOffset? foundStart;
        private DateTimeOffset? foundEnd;

        public DateTimeOffset? StartTime => startTime;

        public ITrailValidationListener Listener => listener;

        public void Add(DigestResult result)
        {
            if (result.IsValid)
            {
                validDigests++;
                var digest = result.Digest!;
                var start = startTime is { } requested && requested > digest.DigestStartTime ? requested : digest.DigestStartTime;
                var end = endTime < digest.DigestEndTime ? endTime : digest.DigestEndTime;
                foundStart = foundStart is null || start < foundStart ? start : foundStart;
                foundEnd = foundEnd is null || end > foundEnd ? end : foundEnd;
            }
            else
            {
                invalidDigests++;
            }

            listener.OnDigest(result);
        }

        public void Add(LogFileResult result)
        {
            if (result.IsValid)
            {
                validLogFiles++;
            }
            else
            {
                invalidLogFiles++;
            }

            listener.OnLogFile(result);
        }

        public TrailValidationSummary Summary() => new(validDigests, invalidDigests, validLogFiles, invalidLogFiles, foundStart, foundEnd);
    }
}

/// <summary>A digest to check: where it is, the end time its key names, and the link from the newer digest that led to it.</summary>
internal sealed record DigestStep(string Bucket, string Key, DateTimeOffset EndTime, ChainLink? Link);

/// <summary>
/// What a newer digest records about the digest before it. <see cref="Trusted"/> is true when the
/// newer digest was valid, and only then is <see cref="HashValue"/> compared.
/// </summary>
internal sealed record ChainLink(string? Signature, string? HashValue, string? HashAlgorithm, bool Trusted);
