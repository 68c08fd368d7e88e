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
            INSERT INTO tenant_rules (tenant_id, name, yaml, sha256, enabled, dry_run, updated_at, updated_by)
            VALUES (@tenant_id, @name, @yaml, @sha256, @enabled, @dry_run, @updated_at, @updated_by)
            ON CONFLICT (tenant_id, name) DO UPDATE SET
                yaml = excluded.yaml,
                sha256 = excluded.sha256,
                enabled = excluded.enabled,
                dry_run = excluded.dry_run,
                updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """);
        command.Parameters.AddWithValue("tenant_id", rule.TenantId);
        command.Parameters.AddWithValue("name", rule.Name);
        command.Parameters.AddWithValue("yaml", rule.Yaml);
        command.Parameters.AddWithValue("sha256", rule.Sha256);
        command.Parameters.AddWithValue("enabled", rule.Enabled);
        command.Parameters.AddWithValue("dry_run", rule.DryRun);
        command.Parameters.AddWithValue("updated_at", rule.UpdatedAt.UtcDateTime);
        command.Parameters.AddWithValue("updated_by", rule.UpdatedBy);
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
        await using var command = dataSource.CreateCommand("""
            SELECT tenant_id, name, yaml, sha256, enabled, updated_at, updated_by, dry_run
            FROM tenant_rules
            ORDER BY tenant_id, name
            """);
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
            });
        }

        return rules;
    }
}
