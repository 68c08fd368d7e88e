namespace Vigil.Ingestion.Integrity;

/// <summary>
/// Which <c>ListPublicKeys</c> calls cover a set of digest files: one per Region that has digests,
/// from an hour before the oldest digest's end time. CloudTrail signs every account's digests in a
/// Region with that Region's key, so the Region alone decides which keys a digest needs.
/// </summary>
public static class PublicKeyRequests
{
    /// <summary>
    /// Returns each Region of the digests among <paramref name="digestKeys"/> that end at or after
    /// <paramref name="startTime"/> (all of them when null), with the start of the time range its keys
    /// must cover. Keys that are not digest keys in CloudTrail's layout are left out.
    /// </summary>
    public static IReadOnlyList<(string Region, DateTimeOffset From)> ForDigests(IEnumerable<string> digestKeys, DateTimeOffset? startTime)
    {
        ArgumentNullException.ThrowIfNull(digestKeys);
        var oldestByRegion = new SortedDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var key in digestKeys)
        {
            if (DigestKey.TryParse(key) is not { } digest || (startTime is not null && digest.EndTime < startTime))
            {
                continue;
            }

            if (!oldestByRegion.TryGetValue(digest.Region, out var oldest) || digest.EndTime < oldest)
            {
                oldestByRegion[digest.Region] = digest.EndTime;
            }
        }

        // A digest covers the hour before its end time, and it is signed at about its end time.
        return [.. oldestByRegion.Select(pair => (pair.Key, pair.Value.AddHours(-1)))];
    }
}
