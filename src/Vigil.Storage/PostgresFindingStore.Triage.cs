using System.Runtime.CompilerServices;
using Npgsql;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Bulk archiving, grouping, feedback, live changes, occurrences, related findings and export.</summary>
public sealed partial class PostgresFindingStore
{
    /// <summary>The most groups <see cref="GroupAsync"/> returns.</summary>
    public const int MaxGroups = 200;

    /// <summary>The most findings <see cref="GetChangesSinceAsync"/> counts.</summary>
    public const int MaxChangedCount = 1000;

    public async Task<int> SetArchivedAsync(string tenantId, IReadOnlyCollection<string> findingIds, bool archived, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingIds);
        if (findingIds.Count > IFindingTriage.MaxBulkIds)
        {
            throw new ArgumentException($"At most {IFindingTriage.MaxBulkIds} findings can be changed at once; {findingIds.Count} given.", nameof(findingIds));
        }

        await using var command = dataSource.CreateCommand("""
            UPDATE findings SET archived = @archived, suppressed_by = CASE WHEN @archived THEN suppressed_by END, updated_at = now()
            WHERE tenant_id = @tenant_id AND id = ANY(@ids) AND archived <> @archived
            """);
        command.Parameters.AddWithValue("archived", archived);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("ids", findingIds.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> SetArchivedMatchingAsync(string tenantId, FindingCriteria criteria, bool archived, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var validated = FindingCriteriaValidator.ValidateOrThrow(criteria);

        var parameters = new SqlParameterList();
        var filter = Filter(tenantId, validated, includeArchived: true, parameters);
        var flag = parameters.Add(archived);
        await using var command = dataSource.CreateCommand($"""
            UPDATE findings f SET archived = {flag}, suppressed_by = CASE WHEN {flag} THEN f.suppressed_by END, updated_at = now()
            WHERE {filter} AND f.archived <> {flag}
            """);
        command.CommandTimeout = SuppressionOptions.ApplyTimeoutSeconds;
        parameters.CopyTo(command.Parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<FindingGroup>> GroupAsync(
        string tenantId, FindingCriteria criteria, bool includeArchived, FindingGrouping grouping, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var validated = FindingCriteriaValidator.ValidateOrThrow(criteria);

        var parameters = new SqlParameterList();
        var filter = Filter(tenantId, validated, includeArchived, parameters);
        var (key, label) = grouping == FindingGrouping.Type ? ("f.type", "f.type") : ("f.resource_key", "min(f.resource_label)");
        await using var command = dataSource.CreateCommand(
            $"SELECT {key}, {label}, count(*) FROM findings f WHERE {filter} GROUP BY {key} ORDER BY count(*) DESC, {key} LIMIT {Math.Clamp(limit, 1, MaxGroups)}");
        command.CommandTimeout = QueryTimeoutSeconds;
        parameters.CopyTo(command.Parameters);

        var groups = new List<FindingGroup>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            groups.Add(new FindingGroup(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return groups;
    }

    public async Task<bool> SetFeedbackAsync(string tenantId, string findingId, FindingFeedback? feedback, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingId);

        await using var command = dataSource.CreateCommand(
            "UPDATE findings SET user_feedback = @feedback, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id");
        command.Parameters.AddWithValue("feedback", (object?)feedback?.ToText() ?? DBNull.Value);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", findingId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<FindingChanges> GetChangesSinceAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);

        await using var command = dataSource.CreateCommand($"""
            SELECT (SELECT max(updated_at) FROM findings WHERE tenant_id = @tenant_id),
                   (SELECT count(*) FROM (SELECT 1 FROM findings WHERE tenant_id = @tenant_id AND updated_at > @since LIMIT {MaxChangedCount}) AS changed)
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("since", since.UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var latest = reader.IsDBNull(0) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(0);
        return new FindingChanges(latest, (int)reader.GetInt64(1));
    }

    public async Task<IReadOnlyList<FindingOccurrenceDay>> GetOccurrencesAsync(string tenantId, string findingId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingId);

        await using var command = dataSource.CreateCommand(
            "SELECT day, count FROM finding_occurrences WHERE tenant_id = @tenant_id AND finding_id = @id ORDER BY day");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", findingId);
        var days = new List<FindingOccurrenceDay>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new FindingOccurrenceDay(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1)));
        }

        return days;
    }

    public async Task<IReadOnlyList<FindingSummary>> ListRelatedAsync(string tenantId, string findingId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingId);

        await using var command = dataSource.CreateCommand($"""
            SELECT {SummaryColumns}
            FROM findings f
            JOIN findings s ON s.tenant_id = f.tenant_id AND s.resource_key = f.resource_key
            WHERE s.tenant_id = @tenant_id AND s.id = @id AND f.id <> s.id AND s.resource_key <> ''
            ORDER BY f.event_last_seen DESC, f.id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", findingId);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, MaxPageSize));
        var items = new List<FindingSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadSummary(reader));
        }

        return items;
    }

    public async IAsyncEnumerable<Finding> ExportAsync(
        string tenantId, FindingCriteria criteria, bool includeArchived, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var validated = FindingCriteriaValidator.ValidateOrThrow(criteria);

        var parameters = new SqlParameterList();
        var filter = Filter(tenantId, validated, includeArchived, parameters);
        await using var command = dataSource.CreateCommand($"""
            SELECT f.document::text, f.count, f.event_first_seen, f.event_last_seen, f.created_at, f.updated_at, f.archived, f.user_feedback
            FROM findings f
            WHERE {filter} AND f.suppressed_by IS NULL
            ORDER BY f.event_last_seen DESC, f.id DESC
            """);
        // An export streams row by row, so it has no statement timeout of its own; the caller's
        // cancellation token ends it.
        command.CommandTimeout = 0;
        parameters.CopyTo(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadFinding(reader);
        }
    }
}
