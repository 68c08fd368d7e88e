namespace Vigil.Contracts.Findings;

/// <summary>
/// Merges occurrences of one finding id the way GuardDuty aggregates: the count adds up, the first
/// and last event times widen, and the details come from the occurrence with the latest event time.
/// The PostgreSQL store applies the same rule in its upsert, so replay and live runs agree.
/// </summary>
public static class FindingAggregation
{
    /// <summary>Merges the occurrences that share a finding id, so each id appears once.</summary>
    public static IReadOnlyList<Finding> MergeById(IReadOnlyList<Finding> occurrences)
    {
        if (occurrences.Count <= 1)
        {
            return occurrences;
        }

        var byId = new Dictionary<string, Finding>(StringComparer.Ordinal);
        foreach (var occurrence in occurrences)
        {
            byId[occurrence.Id] = byId.TryGetValue(occurrence.Id, out var existing) ? Merge(existing, occurrence) : occurrence;
        }

        return [.. byId.Values];
    }

    public static Finding Merge(Finding existing, Finding occurrence)
    {
        if (existing.Id != occurrence.Id)
        {
            throw new ArgumentException($"Cannot merge finding {occurrence.Id} into finding {existing.Id}.", nameof(occurrence));
        }

        var latest = occurrence.Service.EventLastSeen >= existing.Service.EventLastSeen ? occurrence : existing;
        var first = existing.Service.EventFirstSeen <= occurrence.Service.EventFirstSeen
            ? existing.Service.EventFirstSeen
            : occurrence.Service.EventFirstSeen;

        return latest with
        {
            CreatedAt = existing.CreatedAt <= occurrence.CreatedAt ? existing.CreatedAt : occurrence.CreatedAt,
            UpdatedAt = existing.UpdatedAt >= occurrence.UpdatedAt ? existing.UpdatedAt : occurrence.UpdatedAt,
            Service = latest.Service with
            {
                Count = existing.Service.Count + occurrence.Service.Count,
                EventFirstSeen = first,
                Archived = existing.Service.Archived,
            },
        };
    }
}
