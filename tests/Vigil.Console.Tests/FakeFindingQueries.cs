using System.Runtime.CompilerServices;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>
/// An in-memory <see cref="IFindingQueries"/> and <see cref="IFindingTriage"/> that stores findings per
/// tenant, evaluates criteria with <see cref="FindingCriteriaEvaluator"/> and records every request.
/// </summary>
internal sealed class FakeFindingQueries : IFindingQueries, IFindingTriage
{
    private readonly Dictionary<string, List<Finding>> _findingsByTenant = new(StringComparer.Ordinal);

    public List<(string TenantId, FindingListQuery Query)> ListRequests { get; } = [];

    public List<(string TenantId, string FindingId)> GetRequests { get; } = [];

    public List<(string TenantId, string FindingId, bool Archived)> ArchiveRequests { get; } = [];

    public List<(string TenantId, string FindingId, FindingFeedback? Feedback)> FeedbackRequests { get; } = [];

    public List<(string TenantId, DateTimeOffset Since)> ChangeRequests { get; } = [];

    /// <summary>When set, every call throws it, as a store with a broken database connection would.</summary>
    public Exception? Failure { get; set; }

    /// <summary>What <see cref="GetChangesSinceAsync"/> returns next; null for no changes.</summary>
    public FindingChanges? NextChanges { get; set; }

    public FakeFindingQueries Add(string tenantId, Finding finding)
    {
        if (!_findingsByTenant.TryGetValue(tenantId, out var findings))
        {
            findings = [];
            _findingsByTenant[tenantId] = findings;
        }

        findings.Add(finding);
        return this;
    }

    public Task<FindingPage> ListAsync(string tenantId, FindingListQuery query, CancellationToken cancellationToken)
    {
        ListRequests.Add((tenantId, query));
        ThrowIfFailing();

        var visible = Matching(tenantId, query.Criteria, query.IncludeArchived).ToList();
        var start = 0;
        if (query.After is not null)
        {
            if (!FindingCursor.TryDecode(query.After, out var cursor))
            {
                throw new ArgumentException("The page cursor is not one this service produced.", nameof(query));
            }

            start = visible.FindIndex(finding => finding.Id == cursor.Id) + 1;
        }

        var items = visible.Skip(start).Take(query.Limit).Select(ToSummary).ToList();
        var next = start + query.Limit < visible.Count ? new FindingCursor(query.SortBy, query.Descending, string.Empty, items[^1].Id).Encode() : null;
        return Task.FromResult(new FindingPage(items, next, visible.Count, false));
    }

    public Task<Finding?> GetAsync(string tenantId, string findingId, CancellationToken cancellationToken)
    {
        GetRequests.Add((tenantId, findingId));
        ThrowIfFailing();
        return Task.FromResult(FindingsOf(tenantId).FirstOrDefault(finding => finding.Id == findingId));
    }

    public Task<bool> SetArchivedAsync(string tenantId, string findingId, bool archived, CancellationToken cancellationToken)
    {
        ArchiveRequests.Add((tenantId, findingId, archived));
        return Task.FromResult(Update(tenantId, findingId, finding => finding with { Service = finding.Service with { Archived = archived } }));
    }

    public Task<int> SetArchivedAsync(string tenantId, IReadOnlyCollection<string> findingIds, bool archived, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        var changed = 0;
        foreach (var id in findingIds)
        {
            ArchiveRequests.Add((tenantId, id, archived));
            changed += Update(tenantId, id, finding => finding with { Service = finding.Service with { Archived = archived } }) ? 1 : 0;
        }

        return Task.FromResult(changed);
    }

    public Task<int> SetArchivedMatchingAsync(string tenantId, FindingCriteria criteria, bool archived, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        var ids = Matching(tenantId, criteria, includeArchived: true).Where(finding => finding.Service.Archived != archived).Select(finding => finding.Id).ToList();
        return SetArchivedAsync(tenantId, ids, archived, cancellationToken);
    }

    public Task<IReadOnlyList<FindingGroup>> GroupAsync(string tenantId, FindingCriteria criteria, bool includeArchived, FindingGrouping grouping, int limit, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        IReadOnlyList<FindingGroup> groups = [.. Matching(tenantId, criteria, includeArchived)
            .GroupBy(finding => grouping == FindingGrouping.Type ? finding.Type : finding.Resource.AccessKeyDetails?.UserName ?? string.Empty)
            .Select(group => new FindingGroup(group.Key, group.Key, group.Count()))
            .OrderByDescending(group => group.Count)
            .Take(limit)];
        return Task.FromResult(groups);
    }

    public Task<bool> SetFeedbackAsync(string tenantId, string findingId, FindingFeedback? feedback, CancellationToken cancellationToken)
    {
        FeedbackRequests.Add((tenantId, findingId, feedback));
        return Task.FromResult(Update(tenantId, findingId, finding => finding with { Service = finding.Service with { UserFeedback = feedback?.ToText() } }));
    }

    public Task<FindingChanges> GetChangesSinceAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ChangeRequests.Add((tenantId, since));
        var changes = NextChanges ?? new FindingChanges(null, 0);
        NextChanges = null;
        return Task.FromResult(changes);
    }

    public Task<IReadOnlyList<FindingOccurrenceDay>> GetOccurrencesAsync(string tenantId, string findingId, CancellationToken cancellationToken)
    {
        var finding = FindingsOf(tenantId).FirstOrDefault(candidate => candidate.Id == findingId);
        IReadOnlyList<FindingOccurrenceDay> days = finding is null
            ? []
            : [new FindingOccurrenceDay(DateOnly.FromDateTime(finding.Service.EventLastSeen.UtcDateTime), finding.Service.Count)];
        return Task.FromResult(days);
    }

    public Task<IReadOnlyList<FindingSummary>> ListRelatedAsync(string tenantId, string findingId, int limit, CancellationToken cancellationToken)
    {
        var finding = FindingsOf(tenantId).FirstOrDefault(candidate => candidate.Id == findingId);
        IReadOnlyList<FindingSummary> related = finding is null
            ? []
            : [.. FindingsOf(tenantId)
                .Where(candidate => candidate.Id != findingId && candidate.Resource.AccessKeyDetails?.UserName == finding.Resource.AccessKeyDetails?.UserName)
                .Take(limit)
                .Select(ToSummary)];
        return Task.FromResult(related);
    }

    public async IAsyncEnumerable<Finding> ExportAsync(string tenantId, FindingCriteria criteria, bool includeArchived, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var finding in Matching(tenantId, criteria, includeArchived).ToList())
        {
            await Task.Yield();
            yield return finding;
        }
    }

    private IEnumerable<Finding> Matching(string tenantId, FindingCriteria criteria, bool includeArchived)
    {
        var validated = FindingCriteriaValidator.ValidateOrThrow(criteria);
        return FindingsOf(tenantId)
            .Where(finding => includeArchived || !finding.Service.Archived)
            .Where(finding => FindingCriteriaEvaluator.Evaluate(finding, validated, new FindingRowValues(null, finding.Resource.AccessKeyDetails?.UserName, null)).Matched);
    }

    private bool Update(string tenantId, string findingId, Func<Finding, Finding> change)
    {
        ThrowIfFailing();
        if (!_findingsByTenant.TryGetValue(tenantId, out var findings))
        {
            return false;
        }

        var index = findings.FindIndex(finding => finding.Id == findingId);
        if (index < 0)
        {
            return false;
        }

        findings[index] = change(findings[index]);
        return true;
    }

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }

    private IEnumerable<Finding> FindingsOf(string tenantId) =>
        _findingsByTenant.TryGetValue(tenantId, out var findings) ? findings : [];

    private static FindingSummary ToSummary(Finding finding) => new()
    {
        Id = finding.Id,
        Type = finding.Type,
        Severity = finding.Severity,
        ResourceType = finding.Resource.ResourceType,
        Resource = finding.Resource.AccessKeyDetails?.UserName ?? string.Empty,
        AccountId = finding.AccountId,
        Region = finding.Region,
        Count = finding.Service.Count,
        EventFirstSeen = finding.Service.EventFirstSeen,
        EventLastSeen = finding.Service.EventLastSeen,
        Title = finding.Title,
        Archived = finding.Service.Archived,
        UserFeedback = finding.Service.UserFeedback,
    };
}
