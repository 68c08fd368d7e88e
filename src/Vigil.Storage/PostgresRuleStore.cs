using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps tenant rule files in the <c>tenant_rules</c> table, one row per tenant and file name.</summary>
public sealed class PostgresRuleStore : IRuleStore
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresRuleStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    /// <exception cref="ArgumentException"><see cref="StoredRule.Sha256"/> is not the SHA-256 of the YAML text.</exception>
    public async Task SaveAsync(StoredRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentException.ThrowIfNullOrEmpty(rule.TenantId, nameof(rule));
        ArgumentException.ThrowIfNullOrEmpty(rule.Name, nameof(rule));

        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rule.Yaml)));
        if (!string.Equals(actual, rule.Sha256, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Rule file '{rule.Name}' has Sha256 '{rule.Sha256}', but its text hashes to '{actual}'; pass the lower-case hex SHA-256 of the UTF-8 text.", nameof(rule));
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO tenant_rules (tenant_id, name, yaml, sha256, enabled, dry_run, updated_at, updated_by, test_events, test_events_no_match)
            VALUES (@tenant_id, @name, @yaml, @sha256, @enabled, @dry_run, @updated_at, @updated_by, @test_events, @test_events_no_match)
            ON CONFLICT (tenant_id, name) DO UPDATE SET
                yaml = excluded.yaml,
                sha256 = excluded.sha256,
                enabled = excluded.enabled,
                dry_run = excluded.dry_run,
                updated_at = excluded.updated_at,
                updated_by = excluded.updated_by,
                test_events = excluded.test_events,
                test_events_no_match = excluded.test_events_no_match
            """);
        command.Parameters.AddWithValue("tenant_id", rule.TenantId);
        command.Parameters.AddWithValue("name", rule.Name);
        command.Parameters.AddWithValue("yaml", rule.Yaml);
        command.Parameters.AddWithValue("sha256", rule.Sha256);
        command.Parameters.AddWithValue("enabled", rule.Enabled);
        command.Parameters.AddWithValue("dry_run", rule.DryRun);
        command.Parameters.AddWithValue("updated_at", rule.UpdatedAt.UtcDateTime);
        command.Parameters.AddWithValue("updated_by", rule.UpdatedBy);
        command.Parameters.AddWithValue("test_events", (object?)rule.TestEvents ?? DBNull.Value);
        command.Parameters.AddWithValue("test_events_no_match", (object?)rule.TestEventsNoMatch ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> SetEnabledAsync(string tenantId, string name, bool enabled, string updatedBy, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE tenant_rules SET enabled = @enabled, updated_at = now(), updated_by = @updated_by
            WHERE tenant_id = @tenant_id AND name = @name
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("enabled", enabled);
        command.Parameters.AddWithValue("updated_by", updatedBy);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<StoredRule>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM tenant_rules ORDER BY tenant_id, name");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredRule>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM tenant_rules WHERE tenant_id = @tenant_id ORDER BY name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<StoredRule?> GetAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM tenant_rules WHERE tenant_id = @tenant_id AND name = @name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        var rules = await ReadAsync(command, cancellationToken);
        return rules.Count == 0 ? null : rules[0];
    }

    public async Task<bool> DeleteAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand("DELETE FROM tenant_rules WHERE tenant_id = @tenant_id AND name = @name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> SeedAsync(string tenantId, IReadOnlyList<StoredRule> rules, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(rules);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand("INSERT INTO tenant_rule_seeds (tenant_id, seeded_at) VALUES (@tenant_id, @at) ON CONFLICT DO NOTHING", connection, transaction))
        {
            claim.Parameters.AddWithValue("tenant_id", tenantId);
            claim.Parameters.AddWithValue("at", at.UtcDateTime);
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await AddMissingTestEventsAsync(connection, transaction, tenantId, rules, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }
        }

        var stored = 0;
        foreach (var rule in rules)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO tenant_rules (tenant_id, name, yaml, sha256, enabled, dry_run, updated_at, updated_by, test_events, test_events_no_match)
                VALUES (@tenant_id, @name, @yaml, @sha256, @enabled, @dry_run, @updated_at, @updated_by, @test_events, @test_events_no_match)
                ON CONFLICT (tenant_id, name) DO NOTHING
                """, connection, transaction);
            insert.Parameters.AddWithValue("tenant_id", tenantId);
            insert.Parameters.AddWithValue("name", rule.Name);
            insert.Parameters.AddWithValue("yaml", rule.Yaml);
            insert.Parameters.AddWithValue("sha256", StoredRule.HashOf(rule.Yaml));
            insert.Parameters.AddWithValue("enabled", rule.Enabled);
            insert.Parameters.AddWithValue("dry_run", rule.DryRun);
            insert.Parameters.AddWithValue("updated_at", at.UtcDateTime);
            insert.Parameters.AddWithValue("updated_by", rule.UpdatedBy);
            insert.Parameters.AddWithValue("test_events", (object?)rule.TestEvents ?? DBNull.Value);
            insert.Parameters.AddWithValue("test_events_no_match", (object?)rule.TestEventsNoMatch ?? DBNull.Value);
            stored += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>Gives the tenant's unchanged copies of <paramref name="rules"/> their test events when they have none.</summary>
    private static async Task AddMissingTestEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, IReadOnlyList<StoredRule> rules, CancellationToken cancellationToken)
    {
        foreach (var rule in rules.Where(rule => rule.TestEvents is not null || rule.TestEventsNoMatch is not null))
        {
            await using var update = new NpgsqlCommand("""
                UPDATE tenant_rules SET test_events = @test_events, test_events_no_match = @test_events_no_match
                WHERE tenant_id = @tenant_id AND name = @name AND sha256 = @sha256 AND test_events IS NULL AND test_events_no_match IS NULL
                """, connection, transaction);
            update.Parameters.AddWithValue("tenant_id", tenantId);
            update.Parameters.AddWithValue("name", rule.Name);
            update.Parameters.AddWithValue("sha256", StoredRule.HashOf(rule.Yaml));
            update.Parameters.AddWithValue("test_events", (object?)rule.TestEvents ?? DBNull.Value);
            update.Parameters.AddWithValue("test_events_no_match", (object?)rule.TestEventsNoMatch ?? DBNull.Value);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private const string Columns = "tenant_id, name, yaml, sha256, enabled, updated_at, updated_by, dry_run, test_events, test_events_no_match";

    private static async Task<IReadOnlyList<StoredRule>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rules = new List<StoredRule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(new StoredRule
            {
                TenantId = reader.GetString(0),
                Name = reader.GetString(1),
                Yaml = reader.GetString(2),
                Sha256 = reader.GetString(3),
                Enabled = reader.GetBoolean(4),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                UpdatedBy = reader.GetString(6),
                DryRun = reader.GetBoolean(7),
                TestEvents = reader.IsDBNull(8) ? null : reader.GetString(8),
                TestEventsNoMatch = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        return rules;
    }
}
