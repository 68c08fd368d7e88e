namespace Vigil.Ingestion.Inspection;

/// <summary>
/// Guesses the kind of an object from the folders and file name that AWS gives it when it delivers
/// logs to S3. The guess only picks a reader for content that matches no kind by itself, so the
/// reader can report what is wrong with it. Content that matches a kind always wins over the key.
/// </summary>
internal static class LogKeyHint
{
    /// <summary>Returns the kind that the key's AWS delivery layout suggests, or <see cref="LogObjectKind.Unknown"/>.</summary>
    public static LogObjectKind FromKey(string key)
    {
        // CloudTrail: AWSLogs/<account>/CloudTrail/<region>/..., with CloudTrail-Digest and
        // CloudTrail-Insight folders beside it and the same words in the file names.
        if (key.Contains("CloudTrail-Digest", StringComparison.Ordinal))
        {
            return LogObjectKind.CloudTrailDigest;
        }

        if (key.Contains("CloudTrail-Insight", StringComparison.Ordinal))
        {
            return LogObjectKind.CloudTrailInsights;
        }

        if (key.Contains("/CloudTrail/", StringComparison.Ordinal) || key.Contains("_CloudTrail_", StringComparison.Ordinal))
        {
            return LogObjectKind.CloudTrail;
        }

        // Flow logs: AWSLogs/<account>/vpcflowlogs/<region>/..., or aws-service=vpcflowlogs with Hive-compatible prefixes.
        if (key.Contains("vpcflowlogs", StringComparison.Ordinal))
        {
            return LogObjectKind.VpcFlow;
        }

        // NOTE: the vpcdnsquerylogs folder of Resolver query logs delivered to S3 was not checked
        // against an AWS document or a delivered bucket.
        if (key.Contains("vpcdnsquerylogs", StringComparison.Ordinal))
        {
            return LogObjectKind.Route53ResolverQuery;
        }

        return LogObjectKind.Unknown;
    }
}
