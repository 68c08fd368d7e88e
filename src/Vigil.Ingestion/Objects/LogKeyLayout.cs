using System.Text.RegularExpressions;

namespace Vigil.Ingestion.Objects;

/// <summary>
/// Reads the account and region from an S3 key in AWS's delivery layout:
/// <c>[prefix/]AWSLogs/[o-organization/]account/service/region/...</c>, as CloudTrail and VPC Flow
/// Logs write it. Flow records in the default format carry no region, so the key supplies it.
/// </summary>
public static partial class LogKeyLayout
{
    public static (string? AccountId, string? Region) Parse(string key)
    {
        var match = Layout().Match(key);
        return match.Success ? (match.Groups["account"].Value, match.Groups["region"].Value) : (null, null);
    }

    // Keys come from the bucket, so the non-backtracking engine matches them in time linear in their length.
    [GeneratedRegex(@"(?:^|/)AWSLogs/(?:o-[a-z0-9]{10,32}/)?(?<account>\d{12})/(?:CloudTrail|vpcflowlogs)/(?<region>[a-z]{2}(?:-[a-z]+)+-\d)/", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Layout();
}
