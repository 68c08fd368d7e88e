using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Contracts.Storage;

/// <summary>Read side of the findings for the console. Every call is scoped to one tenant.</summary>
public interface IFindingQueries
{
    /// <summary>
    /// Returns one page of a tenant's findings that match the query's criteria, sorted by the
    /// database and paged by a keyset cursor. Throws <see cref="ArgumentException"/> for invalid
    /// criteria or a cursor of another sort order.
    /// </summary>
    Task<FindingPage> ListAsync(string tenantId, FindingListQuery query, CancellationToken cancellationToken);

    /// <summary>Returns one finding of the tenant, or null when the tenant has no finding with that id.</summary>
    Task<Finding?> GetAsync(string tenantId, string findingId, CancellationToken cancellationToken);

    /// <summary>
    /// Archives or unarchives one finding of the tenant; returns false when the tenant has no finding
    /// with that id. Unarchiving also clears the suppression rule that archived it.
    /// </summary>
    Task<bool> SetArchivedAsync(string tenantId, string findingId, bool archived, CancellationToken cancellationToken);
}

public enum FindingSortField
{
    LastSeen,
    FirstSeen,
    Severity,
    Type,
    Count,
    AccountId,
    Resource,
    Region,
}

public sealed record FindingListQuery
{
    /// <summary>The largest page size; stores clamp <see cref="Limit"/> to 1..500.</summary>
    public const int MaxLimit = 500;

    public FindingCriteria Criteria { get; init; } = FindingCriteria.Empty;

    /// <summary>The <see cref="FindingPage.NextCursor"/> of the previous page, or null for the first page.</summary>
    public string? After { get; init; }

    /// <summary>Page size; stores clamp it to 1..500.</summary>
    public int Limit { get; init; } = 50;

    public FindingSortField SortBy { get; init; } = FindingSortField.LastSeen;

    public bool Descending { get; init; } = true;

    public bool IncludeArchived { get; init; }
}

/// <summary>
/// One page of findings. <see cref="NextCursor"/> is null on the last page. <see cref="MatchCount"/>
/// counts the matching findings up to <see cref="FindingPage.MatchCountLimit"/>; when
/// <see cref="MatchCountIsLowerBound"/> is true there are more.
/// </summary>
public sealed record FindingPage(IReadOnlyList<FindingSummary> Items, string? NextCursor, long MatchCount, bool MatchCountIsLowerBound)
{
    /// <summary>Counting stops here, as GuardDuty's console stops at 1,000 results, so the count stays fast at millions of findings.</summary>
    public const int MatchCountLimit = 1_000;
}

/// <summary>The columns of the findings list.</summary>
public sealed record FindingSummary
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    public required double Severity { get; init; }

    public required string ResourceType { get; init; }

    /// <summary>Display text for the affected resource, such as the user name or principal ARN.</summary>
    public required string Resource { get; init; }

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public required long Count { get; init; }

    public required DateTimeOffset EventFirstSeen { get; init; }

    public required DateTimeOffset EventLastSeen { get; init; }

    public required string Title { get; init; }

    public required bool Archived { get; init; }

    /// <summary>USEFUL, NOT_USEFUL or null.</summary>
    public string? UserFeedback { get; init; }

    /// <summary>The suppression rule that archived the finding, or null.</summary>
    public Guid? SuppressedBy { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
