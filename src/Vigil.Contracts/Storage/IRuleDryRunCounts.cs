namespace Vigil.Contracts.Storage;

/// <summary>
/// How often each rule in dry-run mode matched, per tenant, rule and hour of reporting. Silos add
/// what they counted; the console reads the totals. Every read takes a tenant id and returns that tenant's rows only.
/// </summary>
public interface IRuleDryRunCounts
{
    /// <summary>Adds each count to the row of its tenant, rule file, rule and hour (<see cref="RuleDryRunCount.Hour"/> is truncated to the hour).</summary>
    Task AddAsync(IReadOnlyList<RuleDryRunCount> counts, CancellationToken cancellationToken);

    /// <summary>Returns the tenant's hourly counts from the hour that contains <paramref name="since"/> on, oldest first.</summary>
    Task<IReadOnlyList<RuleDryRunCount>> ListAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Deletes the counts of hours before <paramref name="before"/>; returns how many rows went.</summary>
    Task<int> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>Matches of one dry-run rule (by its key, in its file) counted in one hour, in UTC.</summary>
public sealed record RuleDryRunCount(string TenantId, string RuleFile, string RuleKey, DateTimeOffset Hour, long Matches)
{
    /// <summary>Returns the start of the UTC hour that contains <paramref name="time"/>.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
