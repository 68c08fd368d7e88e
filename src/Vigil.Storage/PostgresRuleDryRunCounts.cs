using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps the hourly dry-run match counts of tenant rules in <c>rule_dry_run_counts</c>.</summary>
public sealed class PostgresRuleDryRunCounts : IRuleDryRunCounts
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresRuleDryRunCounts(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task AddAsync(IReadOnlyList<RuleDryRunCount> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO rule_dry_run_counts (tenant_id, rule_file, rule_key, hour, matches)
            SELECT * FROM unnest(@tenants, @files, @keys, @hours, @matches)
            ON CONFLICT (tenant_id, rule_file, rule_key, hour) DO UPDATE SET matches = rule_dry_run_counts.matches + excluded.matches
            """);
        var merged = counts
            .GroupBy(count => (count.TenantId, count.RuleFile, count.RuleKey, Hour: RuleDryRunCount.HourOf(count.Hour)))
            .Select(group => (group.Key, Matches: group.Sum(count => count.Matches)))
            .ToList();
        command.Parameters.AddWithValue("tenants", merged.Select(count => count.Key.TenantId).ToArray());
        command.Parameters.AddWithValue("files", merged.Select(count => count.Key.RuleFile).ToArray());
        command.Parameters.AddWithValue("keys", merged.Select(count => count.Key.RuleKey).ToArray());
        command.Parameters.AddWithValue("hours", merged.Select(count => count.Key.Hour.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("matches", merged.Select(count => count.Matches).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RuleDryRunCount>> ListAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand("""
            SELECT tenant_id, rule_file, rule_key, hour, matches FROM rule_dry_run_counts
            WHERE tenant_id = @tenant_id AND hour >= @since
            ORDER BY hour, rule_file, rule_key
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("since", RuleDryRunCount.HourOf(since).UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<RuleDryRunCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new RuleDryRunCount(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt64(4)));
        }

        return counts;
    }

    public async Task<int> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM rule_dry_run_counts WHERE hour < @before");
        command.Parameters.AddWithValue("before", before.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
