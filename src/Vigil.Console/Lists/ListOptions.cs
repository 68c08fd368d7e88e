namespace Vigil.Console.Lists;

/// <summary>Bounds of list uploads in the console and the API (host settings <c>Vigil:Lists:*</c>).</summary>
public sealed record ListOptions
{
    /// <summary>GuardDuty's limit for one list file: 35 MB.</summary>
    public const long DefaultMaxUploadBytes = 35L * 1024 * 1024;

    /// <summary>Largest list file accepted from an upload or an S3 object, in bytes (default 35 MiB).</summary>
    public long MaxUploadBytes { get; init; } = DefaultMaxUploadBytes;

    /// <summary>Refresh interval of a list read from S3 when the request names none (default 60 minutes).</summary>
    public int DefaultRefreshMinutes { get; init; } = 60;

    /// <summary>Shortest refresh interval a tenant may choose, so that fetches stay cheap.</summary>
    public const int MinRefreshMinutes = 5;

    /// <summary>Longest refresh interval: one week.</summary>
    public const int MaxRefreshMinutes = 7 * 24 * 60;
}
