using System.Collections.Concurrent;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Grains.Replay;

/// <summary>
/// Findings kept in process memory, aggregated with the same rule as the PostgreSQL store, for
/// <c>vigil replay</c> and tests. Sorting and paging run in memory.
/// </summary>
public sealed class InMemoryFindingStore : IFindingSink, IFindingQueries
{
    private readonly ConcurrentDictionary<(string TenantId, string Id), Finding> findings = new();
    private readonly HashSet<(string TenantId, string WriteKey)> writeKeys = [];
    private readonly Lock writeLock = new();

    public Task WriteAsync(string tenantId, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        lock (writeLock)
        {
            Merge(tenantId, occurrences);
        }

        return Task.CompletedTask;
    }

    public Task WriteOnceAsync(string tenantId, string writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(writeKey);
        lock (writeLock)
        {
            if (writeKeys.Add((tenantId, writeKey)))
            {
                Merge(tenantId, occurrences);
            }
        }

        return Task.CompletedTask;
    }

    private void Merge(string tenantId, IReadOnlyList<Finding> occurrences)
    {
        foreach (var occurrence in occurrences)
        {
            var key = (tenantId, occurrence.Id);
            findings[key] = findings.TryGetValue(key, out var existing) ? FindingAggregation.Merge(existing, occurrence) : occurrence;
        }
    }

    /// <summary>Returns every finding of the tenant, oldest first seen first, then by id.</summary>
    public IReadOnlyList<Finding> Snapshot(string tenantId) =>
        [.. findings.Where(pair => pair.Key.TenantId == tenantId)
            .Select(pair => pair.Value)
            .OrderBy(finding => finding.Service.EventFirstSeen)
            .ThenBy(finding => finding.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Returns one page of the tenant's findings that match the query's criteria (evaluated with
    /// <see cref="FindingCriteriaEvaluator"/>), paged by the same keyset cursor as the PostgreSQL store.
    /// </summary>
    public Task<FindingPage> ListAsync(string tenantId, FindingListQuery query, CancellationToken cancellationToken)
    {
        var criteria = FindingCriteriaValidator.ValidateOrThrow(query.Criteria);
        var selected = Snapshot(tenantId)
            .Where(finding => query.IncludeArchived || !finding.Service.Archived)
            .Where(finding => FindingCriteriaEvaluator.Evaluate(finding, criteria, new FindingRowValues(null, ResourceLabel(finding), null)).Matched);
        var ordered = Order(selected, query.SortBy, query.Descending).ToList();
        var start = 0;
        if (query.After is not null)
        {
            if (!FindingCursor.TryDecode(query.After, out var cursor) || cursor.SortBy != query.SortBy || cursor.Descending != query.Descending)
            {
                throw new ArgumentException("The page cursor is not one of this query's sort order; start again from the first page.", nameof(query));
            }

            start = ordered.FindIndex(finding => finding.Id == cursor.Id) + 1;
        }

        var limit = Math.Clamp(query.Limit, 1, FindingListQuery.MaxLimit);
        var page = ordered.Skip(start).Take(limit).Select(Summarise).ToList();
        var next = start + limit < ordered.Count && page.Count > 0
            ? new FindingCursor(query.SortBy, query.Descending, string.Empty, page[^1].Id).Encode()
            : null;
        var count = Math.Min(ordered.Count, FindingPage.MatchCountLimit);
        return Task.FromResult(new FindingPage(page, next, count, ordered.Count > FindingPage.MatchCountLimit));
    }

    public Task<Finding?> GetAsync(string tenantId, string findingId, CancellationToken cancellationToken) =>
        Task.FromResult(findings.TryGetValue((tenantId, findingId), out var finding) ? finding : null);

    public Task<bool> SetArchivedAsync(string tenantId, string findingId, bool archived, CancellationToken cancellationToken)
    {
        lock (writeLock)
        {
            if (!findings.TryGetValue((tenantId, findingId), out var finding))
            {
                return Task.FromResult(false);
            }

            findings[(tenantId, findingId)] = finding with { Service = finding.Service with { Archived = archived } };
            return Task.FromResult(true);
        }
    }

    private static IEnumerable<Finding> Order(IEnumerable<Finding> findings, FindingSortField field, bool descending)
    {
        Func<Finding, IComparable> key = field switch
        {
            FindingSortField.FirstSeen => finding => finding.Service.EventFirstSeen,
            FindingSortField.Severity => finding => finding.Severity,
            FindingSortField.Type => finding => finding.Type,
            FindingSortField.Count => finding => finding.Service.Count,
            FindingSortField.AccountId => finding => finding.AccountId,
            FindingSortField.Resource => finding => ResourceLabel(finding),
            FindingSortField.Region => finding => finding.Region,
            _ => finding => finding.Service.EventLastSeen,
        };
        var ordered = descending ? findings.OrderByDescending(key) : findings.OrderBy(key);
        return ordered.ThenBy(finding => finding.Id, StringComparer.Ordinal);
    }

    private static FindingSummary Summarise(Finding finding) => new()
    {
        Id = finding.Id,
        Type = finding.Type,
        Severity = finding.Severity,
        ResourceType = finding.Resource.ResourceType,
        Resource = ResourceLabel(finding),
        AccountId = finding.AccountId,
        Region = finding.Region,
        Count = finding.Service.Count,
        EventFirstSeen = finding.Service.EventFirstSeen,
        EventLastSeen = finding.Service.EventLastSeen,
        Title = finding.Title,
        Archived = finding.Service.Archived,
    };

    private static string ResourceLabel(Finding finding) =>
        finding.Resource.AccessKeyDetails?.UserName
        ?? finding.Resource.AccessKeyDetails?.PrincipalId
        ?? finding.Resource.InstanceDetails?.InstanceId
        ?? finding.Resource.InstanceDetails?.NetworkInterfaces?.FirstOrDefault()?.NetworkInterfaceId
        ?? finding.Resource.ResourceType;
}
