using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>The SQL shared by tenant and platform lists: versions, the audit trail and load reports.</summary>
internal static class ListHistory
{
    /// <summary>Longest audit detail kept; longer texts (such as a fetch error) are cut.</summary>
    private const int MaxDetailLength = 2_000;

    public static string ScopeName(ListScope scope) => scope == ListScope.Platform ? "platform" : "tenant";

    public static async Task AddVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ListScope scope, string tenantId, string name, int version, string sha256,
        int? entryCount, int? rejectedCount, DateTimeOffset at, string actor, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO list_versions (scope, tenant_id, name, version, sha256, entry_count, rejected_count, created_at, created_by)
            VALUES (@scope, @tenant_id, @name, @version, @sha256, @entry_count, @rejected_count, @at, @actor)
            ON CONFLICT (scope, tenant_id, name, version) DO UPDATE SET
                sha256 = excluded.sha256, entry_count = excluded.entry_count, rejected_count = excluded.rejected_count,
                created_at = excluded.created_at, created_by = excluded.created_by
            """, connection, transaction);
        command.Parameters.AddWithValue("scope", ScopeName(scope));
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("sha256", sha256);
        command.Parameters.AddWithValue("entry_count", (object?)entryCount ?? DBNull.Value);
        command.Parameters.AddWithValue("rejected_count", (object?)rejectedCount ?? DBNull.Value);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("actor", actor);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, ListScope scope, string tenantId, string name, string action, string actor,
        DateTimeOffset at, string? detail, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO list_audit (scope, tenant_id, name, action, actor, at, detail)
            VALUES (@scope, @tenant_id, @name, @action, @actor, @at, @detail)
            """, connection, transaction);
        command.Parameters.AddWithValue("scope", ScopeName(scope));
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        var bounded = detail is not null && detail.Length > MaxDetailLength ? detail[..MaxDetailLength] : detail;
        command.Parameters.AddWithValue("detail", (object?)bounded ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Moves a list whose content is <paramref name="sha256"/> to active or error. Only a list that is
    /// activating, or whose status differs from the outcome, changes, so repeated reports of every
    /// silo leave one audit entry.
    /// </summary>
    public static async Task<bool> ReportLoadAsync(
        NpgsqlDataSource dataSource, ListScope scope, string tenantId, string name, string sha256, ListLoadOutcome outcome, CancellationToken cancellationToken)
    {
        var status = outcome.Succeeded ? ListStatus.Active : ListStatus.Error;
        var table = scope == ListScope.Platform ? "platform_lists" : "threat_lists";
        var tenantClause = scope == ListScope.Platform ? "" : "AND tenant_id = @tenant_id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE {table}
            SET status = @status, status_reason = @reason, entry_count = @entry_count, rejected_count = @rejected_count
            WHERE name = @name {tenantClause} AND sha256 = @sha256 AND status <> 'inactive'
              AND (status <> @status OR status_reason IS DISTINCT FROM @reason)
            """, connection, transaction);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("reason", (object?)outcome.ErrorReason ?? DBNull.Value);
        command.Parameters.AddWithValue("entry_count", outcome.EntryCount);
        command.Parameters.AddWithValue("rejected_count", outcome.RejectedCount);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("sha256", sha256);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await using (var versions = new NpgsqlCommand("""
            UPDATE list_versions SET entry_count = @entry_count, rejected_count = @rejected_count
            WHERE scope = @scope AND tenant_id = @tenant_id AND name = @name AND sha256 = @sha256
            """, connection, transaction))
        {
            versions.Parameters.AddWithValue("entry_count", outcome.EntryCount);
            versions.Parameters.AddWithValue("rejected_count", outcome.RejectedCount);
            versions.Parameters.AddWithValue("scope", ScopeName(scope));
            versions.Parameters.AddWithValue("tenant_id", scope == ListScope.Platform ? "" : tenantId);
            versions.Parameters.AddWithValue("name", name);
            versions.Parameters.AddWithValue("sha256", sha256);
            await versions.ExecuteNonQueryAsync(cancellationToken);
        }

        var detail = outcome.Succeeded
            ? $"sha256 {sha256}: {outcome.EntryCount} entries loaded, {outcome.RejectedCount} rejected"
            : $"sha256 {sha256}: {outcome.ErrorReason}";
        await AuditAsync(connection, transaction, scope, scope == ListScope.Platform ? "" : tenantId, name, status, "system:loader", DateTimeOffset.UtcNow, detail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public static async Task<IReadOnlyList<ListVersion>> LoadVersionsAsync(NpgsqlDataSource dataSource, ListScope scope, string tenantId, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT version, sha256, entry_count, rejected_count, created_at, created_by FROM list_versions
            WHERE scope = @scope AND tenant_id = @tenant_id AND name = @name ORDER BY version DESC
            """);
        command.Parameters.AddWithValue("scope", ScopeName(scope));
        command.Parameters.AddWithValue("tenant_id", scope == ListScope.Platform ? "" : tenantId);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<ListVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(new ListVersion(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5)));
        }

        return versions;
    }

    public static async Task<IReadOnlyList<ListAuditEntry>> LoadAuditAsync(NpgsqlDataSource dataSource, ListScope scope, string tenantId, string name, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, action, actor, at, detail FROM list_audit
            WHERE scope = @scope AND tenant_id = @tenant_id AND name = @name ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("scope", ScopeName(scope));
        command.Parameters.AddWithValue("tenant_id", scope == ListScope.Platform ? "" : tenantId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 10_000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<ListAuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ListAuditEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return entries;
    }
}
