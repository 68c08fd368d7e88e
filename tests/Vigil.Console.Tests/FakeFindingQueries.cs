using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>An in-memory <see cref="IFindingQueries"/> that stores findings per tenant and records every request.</summary>
internal sealed class FakeFindingQueries : IFindingQueries
{
    private readonly Dictionary<string, List<Finding>> _findingsByTenant = new(StringComparer.Ordinal);

    public List<(string TenantId, FindingListQuery Query)> ListRequests { get; } = [];

    public List<(string TenantId, string FindingId)> GetRequests { get; } = [];

    /// <summary>When set, every call throws it, as a store with a broken database connection would.</summary>
    public Exception? Failure { get; set; }

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
        if (Failure is not null)
        {
            throw Failure;
        }

        var visible = FindingsOf(tenantId)
            .Where(finding => query.IncludeArchived || !finding.Service.Archived)
            .ToList();
        var items = visible
            .Skip(query.Offset)
            .Take(query.Limit)
            .Select(ToSummary)
            .ToList();
        return Task.FromResult(new FindingPage(items, visible.Count));
    }

    public Task<Finding?> GetAsync(string tenantId, string findingId, CancellationToken cancellationToken)
    {
        GetRequests.Add((tenantId, findingId));
        if (Failure is not null)
        {
            throw Failure;
        }

        return Task.FromResult(FindingsOf(tenantId).FirstOrDefault(finding => finding.Id == findingId));
    }

    public List<(string TenantId, string FindingId, bool Archived)> ArchiveRequests { get; } = [];

    public Task<bool> SetArchivedAsync(string tenantId, string findingId, bool archived, CancellationToken cancellationToken)
    {
        ArchiveRequests.Add((tenantId, findingId, archived));
        if (!_findingsByTenant.TryGetValue(tenantId, out var findings))
        {
            return Task.FromResult(false);
        }

        var index = findings.FindIndex(finding => finding.Id == findingId);
        if (index < 0)
        {
            return Task.FromResult(false);
        }

        findings[index] = findings[index] with { Service = findings[index].Service with { Archived = archived } };
        return Task.FromResult(true);
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
    };
}
