using System.Text.Json;
using Npgsql;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Storage;

/// <summary>
/// Archives the findings that suppression rules match and records the rule in <c>suppressed_by</c>.
/// Runs inside the caller's transaction; each rule runs under a savepoint with a command timeout, so a
/// rule that fails or runs too long only misses its findings and stores its error in
/// <c>suppression_rules.last_error</c>, and the write goes on.
/// </summary>
internal sealed class SuppressionApplier(SuppressionOptions options)
{
    private const string ActiveRulesSql = """
        SELECT id, criteria::text FROM suppression_rules
        WHERE tenant_id = @tenant_id AND enabled AND (expires_at IS NULL OR expires_at > now())
        ORDER BY created_at, id
        """;

    /// <summary>Applies every active rule of the tenant to the given findings, in rule order; returns how many were archived.</summary>
    public async Task<int> ApplyActiveRulesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, string[] findingIds, CancellationToken cancellationToken)
    {
        var rules = new List<(Guid Id, string Criteria)>();
        await using (var command = new NpgsqlCommand(ActiveRulesSql, connection, transaction))
        {
            command.Parameters.AddWithValue("tenant_id", tenantId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rules.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        var archived = 0;
        foreach (var (id, criteriaJson) in rules)
        {
            archived += await ApplyRuleAsync(connection, transaction, tenantId, id, ParseCriteria(criteriaJson), findingIds, options.WriteTimeoutSeconds, cancellationToken);
        }

        return archived;
    }

    /// <summary>
    /// Archives the active findings the rule matches, of <paramref name="findingIds"/> or of the whole
    /// tenant when null; returns how many. A failure other than cancellation by the caller is stored
    /// as the rule's last error and returns 0.
    /// </summary>
    public static async Task<int> ApplyRuleAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, Guid ruleId, FindingCriteria? criteria, string[]? findingIds, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList();
        string sql;
        try
        {
            var validated = FindingCriteriaValidator.ValidateOrThrow(criteria);
            var filter = PostgresFindingStore.Filter(tenantId, validated, includeArchived: false, parameters);
            var idFilter = findingIds is null ? string.Empty : " AND f.id = ANY(" + parameters.Add(findingIds) + ")";
            sql = $"""
                UPDATE findings f SET archived = true, suppressed_by = {parameters.Add(ruleId)}, updated_at = now()
                WHERE {filter}{idFilter} AND f.suppressed_by IS NULL
                RETURNING f.type
                """;
        }
        catch (ArgumentException exception)
        {
            await SetLastErrorAsync(connection, transaction, tenantId, ruleId, "The rule's criteria are invalid: " + exception.Message, cancellationToken);
            return 0;
        }

        await transaction.SaveAsync("suppression_rule", cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = timeoutSeconds };
            parameters.CopyTo(command.Parameters);
            var types = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    types.Add(reader.GetString(0));
                }
            }

            await transaction.ReleaseAsync("suppression_rule", cancellationToken);

            // NOTE: counted before the caller commits, so a transaction that later rolls back leaves
            // its suppressions in the metric.
            foreach (var type in types)
            {
                FindingInstruments.RecordSuppressed(type, FindingInstruments.SuppressionRule);
            }

            return types.Count;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is NpgsqlException or TimeoutException)
        {
            await transaction.RollbackAsync("suppression_rule", cancellationToken);
            var reason = exception.InnerException is TimeoutException || exception is TimeoutException || (exception as PostgresException)?.SqlState == PostgresErrorCodes.QueryCanceled
                ? $"Applying the rule took longer than {timeoutSeconds} s and was cancelled; findings it would have matched stay active. Simplify its regular expressions or wildcards."
                : "Applying the rule failed: " + exception.Message;
            await SetLastErrorAsync(connection, transaction, tenantId, ruleId, reason, cancellationToken);
            return 0;
        }
    }

    public static FindingCriteria? ParseCriteria(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<FindingCriteria>(json, FindingCriteriaJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task SetLastErrorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, Guid ruleId, string reason, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE suppression_rules SET last_error = @reason WHERE tenant_id = @tenant_id AND id = @id", connection, transaction);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", ruleId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
