using System.Text.Json;
using Npgsql;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Suppression rules in <c>suppression_rules</c>. Each change and its effect on the findings (archive
/// what the rule matches, unarchive what it had archived) commit in one transaction.
/// </summary>
public sealed class PostgresSuppressionRuleStore(NpgsqlDataSource dataSource, TimeProvider timeProvider) : ISuppressionRuleStore
{
    /// <summary>The most sample findings a preview returns.</summary>
    public const int MaxSampleSize = 50;

    private const string RuleColumns = """
        r.id, r.name, r.reason, r.criteria::text, r.enabled, r.expires_at, r.created_at, r.created_by, r.updated_at, r.updated_by,
        (SELECT count(*) FROM findings x WHERE x.tenant_id = r.tenant_id AND x.suppressed_by = r.id), r.last_error
        """;

    public async Task<IReadOnlyList<SuppressionRule>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadRulesAsync(connection, null, tenantId, null, cancellationToken);
    }

    public async Task<SuppressionRule?> GetAsync(string tenantId, Guid ruleId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await ReadRulesAsync(connection, null, tenantId, ruleId, cancellationToken)).SingleOrDefault();
    }

    public async Task<SuppressionPreview> PreviewAsync(string tenantId, FindingCriteria criteria, int sampleSize, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var validated = FindingCriteriaValidator.ValidateOrThrow(criteria);
        if (validated.Count == 0)
        {
            throw new ArgumentException("Give at least one criterion; a rule without criteria would archive every finding.", nameof(criteria));
        }

        var parameters = new SqlParameterList();
        var filter = PostgresFindingStore.Filter(tenantId, validated, includeArchived: false, parameters);
        await using var batch = dataSource.CreateBatch();
        batch.Timeout = PostgresFindingStore.QueryTimeoutSeconds;
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM findings f WHERE {filter}");
        parameters.CopyTo(count.Parameters);
        batch.BatchCommands.Add(count);
        var sample = new NpgsqlBatchCommand(
            $"SELECT {PostgresFindingStore.SummaryColumns} FROM findings f WHERE {filter} ORDER BY f.event_last_seen DESC, f.id DESC LIMIT {Math.Clamp(sampleSize, 1, MaxSampleSize)}");
        parameters.CopyTo(sample.Parameters);
        batch.BatchCommands.Add(sample);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var matchCount = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var items = new List<FindingSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(PostgresFindingStore.ReadSummary(reader));
        }

        return new SuppressionPreview(matchCount, items);
    }

    public async Task<SuppressionRuleChange> CreateAsync(string tenantId, SuppressionRuleInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var now = timeProvider.GetUtcNow();
        ThrowIfInvalid(input, now);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockTenantAsync(connection, transaction, tenantId, cancellationToken);
        if (await CountRulesAsync(connection, transaction, tenantId, cancellationToken) >= ISuppressionRuleStore.MaxRulesPerTenant)
        {
            throw new ArgumentException($"The tenant already has {ISuppressionRuleStore.MaxRulesPerTenant} suppression rules; delete one first.", nameof(input));
        }

        var id = Guid.NewGuid();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO suppression_rules (tenant_id, id, name, reason, criteria, enabled, expires_at, created_at, created_by, updated_at, updated_by)
            VALUES (@tenant_id, @id, @name, @reason, @criteria::jsonb, @enabled, @expires_at, @now, @actor, @now, @actor)
            """, connection, transaction))
        {
            AddInputParameters(insert, tenantId, id, input, actor, now);
            await ExecuteUniqueAsync(insert, input.Name, cancellationToken);
        }

        var archived = input.Enabled && (input.ExpiresAt is null || input.ExpiresAt > now)
            ? await SuppressionApplier.ApplyRuleAsync(connection, transaction, tenantId, id, input.Criteria, null, SuppressionOptions.ApplyTimeoutSeconds, cancellationToken)
            : 0;
        var after = (await ReadRulesAsync(connection, transaction, tenantId, id, cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return new SuppressionRuleChange(null, after, archived, 0);
    }

    public async Task<SuppressionRuleChange?> UpdateAsync(string tenantId, Guid ruleId, SuppressionRuleInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var now = timeProvider.GetUtcNow();
        ThrowIfInvalid(input, now, allowPastExpiry: !input.Enabled);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockTenantAsync(connection, transaction, tenantId, cancellationToken);
        var before = (await ReadRulesAsync(connection, transaction, tenantId, ruleId, cancellationToken)).SingleOrDefault();
        if (before is null)
        {
            return null;
        }

        var unarchived = await UnarchiveAsync(connection, transaction, tenantId, ruleId, cancellationToken);
        await using (var update = new NpgsqlCommand("""
            UPDATE suppression_rules
            SET name = @name, reason = @reason, criteria = @criteria::jsonb, enabled = @enabled, expires_at = @expires_at,
                updated_at = @now, updated_by = @actor, last_error = NULL
            WHERE tenant_id = @tenant_id AND id = @id
            """, connection, transaction))
        {
            AddInputParameters(update, tenantId, ruleId, input, actor, now);
            await ExecuteUniqueAsync(update, input.Name, cancellationToken);
        }

        var archived = 0;
        if (input.Enabled && (input.ExpiresAt is null || input.ExpiresAt > now))
        {
            archived = await SuppressionApplier.ApplyRuleAsync(connection, transaction, tenantId, ruleId, input.Criteria, null, SuppressionOptions.ApplyTimeoutSeconds, cancellationToken);
        }

        var reapplied = await ReapplyOtherRulesAsync(connection, transaction, tenantId, unarchived, cancellationToken);
        var after = (await ReadRulesAsync(connection, transaction, tenantId, ruleId, cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return new SuppressionRuleChange(before, after, archived + reapplied, unarchived.Length);
    }

    public async Task<SuppressionRuleChange?> DeleteAsync(string tenantId, Guid ruleId, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(actor);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockTenantAsync(connection, transaction, tenantId, cancellationToken);
        var before = (await ReadRulesAsync(connection, transaction, tenantId, ruleId, cancellationToken)).SingleOrDefault();
        if (before is null)
        {
            return null;
        }

        var unarchived = await UnarchiveAsync(connection, transaction, tenantId, ruleId, cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM suppression_rules WHERE tenant_id = @tenant_id AND id = @id", connection, transaction))
        {
            delete.Parameters.AddWithValue("tenant_id", tenantId);
            delete.Parameters.AddWithValue("id", ruleId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var reapplied = await ReapplyOtherRulesAsync(connection, transaction, tenantId, unarchived, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SuppressionRuleChange(before, null, reapplied, unarchived.Length);
    }

    private static void ThrowIfInvalid(SuppressionRuleInput input, DateTimeOffset now, bool allowPastExpiry = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = input.Validate(now)
            .Where(error => !(allowPastExpiry && error.StartsWith("expiresAt:", StringComparison.Ordinal)))
            .ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid suppression rule: " + string.Join("; ", errors), nameof(input));
        }
    }

    // Rule changes of one tenant take turns, so the rule count and the order of archiving stay consistent.
    private static async Task LockTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('suppression_rules/' || @tenant_id, 0))", connection, transaction);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountRulesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM suppression_rules WHERE tenant_id = @tenant_id", connection, transaction);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<string[]> UnarchiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, Guid ruleId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE findings SET archived = false, suppressed_by = NULL, updated_at = now()
            WHERE tenant_id = @tenant_id AND suppressed_by = @id
            RETURNING id
            """, connection, transaction) { CommandTimeout = SuppressionOptions.ApplyTimeoutSeconds };
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", ruleId);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return [.. ids];
    }

    // Findings a rule no longer suppresses may match another active rule, which then archives them.
    private static async Task<int> ReapplyOtherRulesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, string[] findingIds, CancellationToken cancellationToken)
    {
        if (findingIds.Length == 0)
        {
            return 0;
        }

        var applier = new SuppressionApplier(new SuppressionOptions { WriteTimeoutSeconds = SuppressionOptions.ApplyTimeoutSeconds });
        return await applier.ApplyActiveRulesAsync(connection, transaction, tenantId, findingIds, cancellationToken);
    }

    private static void AddInputParameters(NpgsqlCommand command, string tenantId, Guid id, SuppressionRuleInput input, string actor, DateTimeOffset now)
    {
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", input.Name.Trim());
        command.Parameters.AddWithValue("reason", input.Reason.Trim());
        command.Parameters.AddWithValue("criteria", JsonSerializer.Serialize(input.Criteria, FindingCriteriaJson.Options));
        command.Parameters.AddWithValue("enabled", input.Enabled);
        command.Parameters.AddWithValue("expires_at", (object?)input.ExpiresAt?.UtcDateTime ?? DBNull.Value);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("actor", actor);
    }

    private static async Task ExecuteUniqueAsync(NpgsqlCommand command, string name, CancellationToken cancellationToken)
    {
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ArgumentException($"The tenant already has a suppression rule named '{name.Trim()}'; choose another name.", nameof(name), exception);
        }
    }

    private static async Task<List<SuppressionRule>> ReadRulesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, Guid? ruleId, CancellationToken cancellationToken)
    {
        var idFilter = ruleId is null ? string.Empty : " AND r.id = @id";
        await using var command = new NpgsqlCommand(
            $"SELECT {RuleColumns} FROM suppression_rules r WHERE r.tenant_id = @tenant_id{idFilter} ORDER BY r.created_at, r.id", connection, transaction);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        if (ruleId is { } id)
        {
            command.Parameters.AddWithValue("id", id);
        }

        var rules = new List<SuppressionRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(new SuppressionRule(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                SuppressionApplier.ParseCriteria(reader.GetString(3)) ?? FindingCriteria.Empty,
                reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetString(9),
                reader.GetInt64(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return rules;
    }
}
