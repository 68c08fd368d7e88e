using Vigil.Contracts.Findings;

namespace Vigil.Contracts.Storage;

/// <summary>Read side of the findings for the console. Every call is scoped to one tenant.</summary>
public interface IFindingQueries
{
    /// <summary>Returns one page of a tenant's findings, sorted and paged by the database.</summary>
    Task<FindingPage> ListAsync(string tenantId, FindingListQuery query, CancellationToken cancellationToken);

    /// <summary>Returns one finding of the tenant, or null when the tenant has no finding with that id.</summary>
    Task<Finding?> GetAsync(string tenantId, string findingId, CancellationToken cancellationToken);

    /// <summary>Archives or unarchives one finding of the tenant; returns false when the tenant has no finding with that id.</summary>
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
    public int Offset { get; init; }

    /// <summary>Page size; stores clamp it to 1..500.</summary>
    public int Limit { get; init; } = 50;

    public FindingSortField SortBy { get; init; } = FindingSortField.LastSeen;

    public bool Descending { get; init; } = true;

    public bool IncludeArchived { get; init; }
}

public sealed record FindingPage(IReadOnlyList<FindingSummary> Items, long TotalCount);

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
}
