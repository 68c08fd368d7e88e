using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>
/// An <see cref="IOverviewQueries"/> that returns what a test put in per tenant and records the
/// tenant and arguments of every call, so tests can check that pages ask for the signed-in tenant only.
/// </summary>
internal sealed class FakeOverviewQueries : IOverviewQueries
{
    public Dictionary<string, FindingOverview> Overviews { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DateTimeOffset> NewestTimes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<ProfileSearchHit>> Hits { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string TenantId, string Key), List<FindingSummary>> FindingsByKey { get; } = [];

    public List<(string TenantId, OverviewQuery Query)> OverviewRequests { get; } = [];

    public List<(string TenantId, string Text)> SearchRequests { get; } = [];

    public List<(string TenantId, string Key)> ListRequests { get; } = [];

    /// <summary>When set, every call throws it, as a store with a broken database connection would.</summary>
    public Exception? Failure { get; set; }

    public Task<FindingOverview> GetOverviewAsync(string tenantId, OverviewQuery query, CancellationToken cancellationToken)
    {
        OverviewRequests.Add((tenantId, query));
        ThrowIfFailing();
        return Task.FromResult(Overviews.GetValueOrDefault(tenantId) ?? Empty(query));
    }

    public Task<DateTimeOffset?> GetNewestFindingTimeAsync(string tenantId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult(NewestTimes.TryGetValue(tenantId, out var time) ? time : (DateTimeOffset?)null);
    }

    public Task<IReadOnlyList<ProfileSearchHit>> SearchProfilesAsync(string tenantId, string text, int limit, CancellationToken cancellationToken)
    {
        SearchRequests.Add((tenantId, text));
        ThrowIfFailing();
        var hits = Hits.GetValueOrDefault(tenantId) ?? [];
        return Task.FromResult<IReadOnlyList<ProfileSearchHit>>([.. hits.Where(hit => hit.Key.Contains(text, StringComparison.OrdinalIgnoreCase)).Take(limit)]);
    }

    public Task<IReadOnlyList<FindingSummary>> ListByResourceKeyAsync(string tenantId, string resourceKey, int limit, CancellationToken cancellationToken)
    {
        ListRequests.Add((tenantId, resourceKey));
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<FindingSummary>>([.. (FindingsByKey.GetValueOrDefault((tenantId, resourceKey)) ?? []).Take(limit)]);
    }

    private static FindingOverview Empty(OverviewQuery query)
    {
        var step = query.Bucket == OverviewBucket.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var buckets = (int)Math.Ceiling((query.To - query.From) / step);
        return new FindingOverview([.. Enumerable.Range(0, buckets).Select(index => new SeverityBucket(query.From + (step * index), 0, 0, 0, 0))], [], [], []);
    }

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
