namespace Vigil.Contracts.Storage;

/// <summary>
/// Aggregate reads of one tenant's findings for the console's overview and principal pages. Every
/// call filters on the tenant id it is given and counts active findings only: archived and suppressed
/// findings are left out.
/// </summary>
public interface IOverviewQueries
{
    /// <summary>
    /// Counts the tenant's findings by severity band per time bucket, and returns the finding types,
    /// resources and principals with the most findings. A finding falls in the range, and in a
    /// bucket, by the event time of its last occurrence.
    /// </summary>
    Task<FindingOverview> GetOverviewAsync(string tenantId, OverviewQuery query, CancellationToken cancellationToken);

    /// <summary>Returns the event time of the tenant's newest active finding, or null when it has none.</summary>
    Task<DateTimeOffset?> GetNewestFindingTimeAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Finds the tenant's principals and network endpoints that have findings, by part of the
    /// principal or endpoint key (ARN, user name, interface or instance id), by access key id prefix
    /// or by an exact private IP address. Newest first.
    /// </summary>
    Task<IReadOnlyList<ProfileSearchHit>> SearchProfilesAsync(string tenantId, string text, int limit, CancellationToken cancellationToken);

    /// <summary>Returns the tenant's newest findings of one principal or endpoint key (<c>account/principal</c> or <c>account/endpoint</c>), archived ones included.</summary>
    Task<IReadOnlyList<FindingSummary>> ListByResourceKeyAsync(string tenantId, string resourceKey, int limit, CancellationToken cancellationToken);
}

/// <summary>The width of one bar of the findings chart.</summary>
public enum OverviewBucket
{
    Hour,
    Day,
}

/// <summary>The time range of the overview: findings whose last occurrence is at or after <see cref="From"/> and before <see cref="To"/>.</summary>
public sealed record OverviewQuery
{
    /// <summary>Most buckets one query may span, so a range cannot ask for an unbounded series.</summary>
    public const int MaxBuckets = 1_000;

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public OverviewBucket Bucket { get; init; } = OverviewBucket.Day;

    /// <summary>Rows of each top list; stores clamp it to 1..50.</summary>
    public int TopCount { get; init; } = 10;
}

/// <summary>The overview of a tenant's active findings in one time range.</summary>
public sealed record FindingOverview(
    IReadOnlyList<SeverityBucket> Timeline,
    IReadOnlyList<FindingTypeCount> TopTypes,
    IReadOnlyList<ResourceCount> TopResources,
    IReadOnlyList<PrincipalCount> TopPrincipals);

/// <summary>
/// Findings per GuardDuty severity band in one bucket: low (below 4.0), medium (4.0 to 6.9), high
/// (7.0 to 8.9) and critical (9.0 and above). Buckets without findings are present with zeros.
/// </summary>
public sealed record SeverityBucket(DateTimeOffset Start, long Low, long Medium, long High, long Critical)
{
    public long Total => Low + Medium + High + Critical;
}

/// <summary>A finding type with its number of findings and the sum of their occurrence counts.</summary>
public sealed record FindingTypeCount(string Type, long Findings, long Occurrences, double MaxSeverity);

/// <summary>A resource as the findings list shows it (type and label), with its number of findings.</summary>
public sealed record ResourceCount(string ResourceType, string Resource, long Findings, long Occurrences, double MaxSeverity);

/// <summary>A principal (its key <c>account/principal</c>) with its display label and number of findings.</summary>
public sealed record PrincipalCount(string PrincipalKey, string AccountId, string Label, long Findings, long Occurrences, double MaxSeverity);

/// <summary>Whether a search hit is a principal grain's key or an endpoint grain's key.</summary>
public enum ProfileKind
{
    Principal,
    Endpoint,
}

/// <summary>One principal or endpoint with findings that matched a search.</summary>
public sealed record ProfileSearchHit
{
    public required ProfileKind Kind { get; init; }

    /// <summary>The grain key without the tenant: <c>account/principal</c> or <c>account/endpoint</c>.</summary>
    public required string Key { get; init; }

    public required string AccountId { get; init; }

    /// <summary>The resource label of its newest finding, such as the user name or instance id.</summary>
    public required string Label { get; init; }

    public required long Findings { get; init; }

    public required double MaxSeverity { get; init; }

    public required DateTimeOffset LastSeen { get; init; }
}
