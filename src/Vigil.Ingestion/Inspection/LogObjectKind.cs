namespace Vigil.Ingestion.Inspection;

/// <summary>The AWS log a delivered object contains, as <see cref="LogObjectInspector"/> detects it.</summary>
public enum LogObjectKind
{
    /// <summary>No supported log: an empty object, other data, or an object that could not be opened.</summary>
    Unknown,

    /// <summary>A CloudTrail log file: a JSON object with a top-level <c>Records</c> array.</summary>
    CloudTrail,

    /// <summary>A CloudTrail digest file, which lists the log files of one hour and their hashes.</summary>
    CloudTrailDigest,

    /// <summary>A CloudTrail log file whose records are all Insights events, or an empty one below <c>CloudTrail-Insight/</c>.</summary>
    CloudTrailInsights,

    /// <summary>A VPC or Transit Gateway flow log, as text or Parquet.</summary>
    VpcFlow,

    /// <summary>A Route 53 Resolver query log: JSON Lines with <c>query_name</c> and <c>query_timestamp</c>.</summary>
    Route53ResolverQuery,
}

/// <summary>How the records of a log object are written.</summary>
public enum LogObjectFormat
{
    /// <summary>Not determined, for example for an empty or binary object.</summary>
    Unknown,

    /// <summary>One JSON document.</summary>
    Json,

    /// <summary>One JSON object a line.</summary>
    JsonLines,

    /// <summary>Text lines of space-separated fields.</summary>
    Text,

    /// <summary>An Apache Parquet file, which starts with the bytes <c>PAR1</c>.</summary>
    Parquet,
}

/// <summary>How the object's bytes are compressed, from the magic bytes at its start.</summary>
public enum LogObjectCompression
{
    Plain,

    /// <summary>gzip, one or more members, which starts with the bytes 1F 8B.</summary>
    Gzip,
}

/// <summary>The lower-case names that <c>vigil parse</c> prints for kinds, formats and compressions, in text and JSON alike.</summary>
public static class LogObjectNames
{
    public static string Of(LogObjectKind kind) => kind switch
    {
        LogObjectKind.CloudTrail => "cloudtrail",
        LogObjectKind.CloudTrailDigest => "cloudtrail-digest",
        LogObjectKind.CloudTrailInsights => "cloudtrail-insights",
        LogObjectKind.VpcFlow => "vpc-flow",
        LogObjectKind.Route53ResolverQuery => "route53-resolver-query",
        _ => "unknown",
    };

    public static string Of(LogObjectFormat format) => format switch
    {
        LogObjectFormat.Json => "json",
        LogObjectFormat.JsonLines => "json-lines",
        LogObjectFormat.Text => "text",
        LogObjectFormat.Parquet => "parquet",
        _ => "unknown",
    };

    public static string Of(LogObjectCompression compression) => compression switch
    {
        LogObjectCompression.Gzip => "gzip",
        _ => "plain",
    };
}
