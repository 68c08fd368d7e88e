using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Contracts.Storage;

/// <summary>
/// The analyst's work on a tenant's findings beyond reading one page: bulk archiving, grouping,
/// feedback, live changes, occurrences, related findings and export. Every call is scoped to one
/// tenant; criteria are validated and throw <see cref="ArgumentException"/> when invalid.
/// </summary>
public interface IFindingTriage
{
    /// <summary>The most ids one bulk call takes.</summary>
    const int MaxBulkIds = 500;

    /// <summary>Archives or unarchives the given findings of the tenant; returns how many changed.</summary>
    Task<int> SetArchivedAsync(string tenantId, IReadOnlyCollection<string> findingIds, bool archived, CancellationToken cancellationToken);

    /// <summary>
    /// Archives every active finding that matches the criteria, or unarchives every archived one;
    /// returns how many changed. Unarchiving clears the suppression rule that archived a finding.
    /// </summary>
    Task<int> SetArchivedMatchingAsync(string tenantId, FindingCriteria criteria, bool archived, CancellationToken cancellationToken);

    /// <summary>Counts the matching findings per finding type or per resource, largest groups first.</summary>
    Task<IReadOnlyList<FindingGroup>> GroupAsync(string tenantId, FindingCriteria criteria, bool includeArchived, FindingGrouping grouping, int limit, CancellationToken cancellationToken);

    /// <summary>Stores the analyst's feedback on a finding (null clears it); returns false when the tenant has no such finding.</summary>
    Task<bool> SetFeedbackAsync(string tenantId, string findingId, FindingFeedback? feedback, CancellationToken cancellationToken);

    /// <summary>Returns the newest <c>updatedAt</c> among the tenant's findings and how many changed after <paramref name="since"/>, up to 1,000.</summary>
    Task<FindingChanges> GetChangesSinceAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Returns a finding's occurrences per UTC day of event time, oldest first.</summary>
    Task<IReadOnlyList<FindingOccurrenceDay>> GetOccurrencesAsync(string tenantId, string findingId, CancellationToken cancellationToken);

    /// <summary>Returns other findings of the same principal or endpoint (the same resource key), newest first.</summary>
    Task<IReadOnlyList<FindingSummary>> ListRelatedAsync(string tenantId, string findingId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Streams every matching finding as stored, newest last seen first. Suppressed findings are never
    /// returned, whatever the criteria say.
    /// </summary>
    IAsyncEnumerable<Finding> ExportAsync(string tenantId, FindingCriteria criteria, bool includeArchived, CancellationToken cancellationToken);
}

public enum FindingGrouping
{
    Type,
    Resource,
}

/// <summary>One group: the finding type or the resource key, the display label and the number of findings.</summary>
public sealed record FindingGroup(string Key, string Label, long Count);

/// <summary>An analyst's verdict on a finding, stored as GuardDuty's <c>service.userFeedback</c>.</summary>
public enum FindingFeedback
{
    Useful,
    NotUseful,
}

public static class FindingFeedbackText
{
    public const string Useful = "USEFUL";
    public const string NotUseful = "NOT_USEFUL";

    public static string ToText(this FindingFeedback feedback) => feedback == FindingFeedback.Useful ? Useful : NotUseful;
}

public sealed record FindingChanges(DateTimeOffset? LatestUpdatedAt, int ChangedCount);

public sealed record FindingOccurrenceDay(DateOnly Day, long Count);
