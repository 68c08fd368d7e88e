using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Ingestion.Integrity;

/// <summary>
/// The parts of a digest file's S3 key as CloudTrail names it:
/// <c>[prefix/]AWSLogs/[o-org/]account/CloudTrail-Digest/region/YYYY/MM/DD/account_CloudTrail-Digest_region_trail_homeRegion_YYYYMMDDTHHmmssZ.json.gz</c>.
/// The time in the name is the digest's end time. Digests with the same <see cref="Chain"/> belong to one chain.
/// </summary>
public sealed partial record DigestKey(string Key, string Chain, string AccountId, string Region, string TrailName, string HomeRegion, DateTimeOffset EndTime)
{
    /// <summary>Returns the parts of <paramref name="key"/>, or null when it is not a digest key in CloudTrail's layout.</summary>
    public static DigestKey? TryParse(string key)
    {
        var match = Layout().Match(key);
        if (!match.Success || match.Groups["account"].Value != match.Groups["fileAccount"].Value || match.Groups["region"].Value != match.Groups["fileRegion"].Value)
        {
            return null;
        }

        if (!DateTimeOffset.TryParseExact(match.Groups["time"].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var endTime))
        {
            return null;
        }

        var chain = $"{match.Groups["base"].Value}|{match.Groups["trail"].Value}|{match.Groups["home"].Value}";
        return new DigestKey(key, chain, match.Groups["account"].Value, match.Groups["region"].Value, match.Groups["trail"].Value, match.Groups["home"].Value, endTime);
    }

    /// <summary>Returns the end time written in a digest key's file name, or null when the key is not in CloudTrail's layout.</summary>
    public static DateTimeOffset? EndTimeOf(string key) => TryParse(key)?.EndTime;

    // Trail names may contain '_', so the home Region and time are matched from the end of the name.
    // Keys come from the bucket, so the engine is non-backtracking: matching takes time linear in the
    // key's length, and no timeout is needed that a busy machine could trip on an ordinary key.
    // NOTE: backfill digests (name ending "_backfill.json.gz", delivered for log files that a delayed
    // delivery left out of the hourly digest) do not match, so they and their log files are not validated.
    [GeneratedRegex(
        @"^(?<base>(?:.*/)?AWSLogs/(?:o-[a-z0-9]{10,32}/)?(?<account>\d{12})/CloudTrail-Digest/(?<region>[a-z]{2}(?:-[a-z]+)+-\d+)/)\d{4}/\d{2}/\d{2}/" +
        @"(?<fileAccount>\d{12})_CloudTrail-Digest_(?<fileRegion>[a-z]{2}(?:-[a-z]+)+-\d+)_(?<trail>[A-Za-z0-9._-]+)_(?<home>[a-z]{2}(?:-[a-z]+)+-\d+)_(?<time>\d{8}T\d{6}Z)\.json\.gz$",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Layout();
}
