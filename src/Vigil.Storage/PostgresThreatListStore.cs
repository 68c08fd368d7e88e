using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Keeps tenant threat and trusted lists in the <c>threat_lists</c> table, one row per tenant and list
/// name, with their versions in <c>list_versions</c> and every change in <c>list_audit</c>.
/// </summary>
public sealed class PostgresThreatListStore : IThreatListStore
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresThreatListStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><see cref="StoredThreatList.Sha256"/> is not the SHA-256 of the content.</exception>
    public async Task<ListSaveResult> SaveAsync(StoredThreatList list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentException.ThrowIfNullOrEmpty(list.TenantId, nameof(list));
        ArgumentException.ThrowIfNullOrEmpty(list.Name, nameof(list));

        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(list.Content)));
        if (!string.Equals(actual, list.Sha256, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Threat list '{list.Name}' has Sha256 '{list.Sha256}', but its content hashes to '{actual}'; pass the lower-case hex SHA-256 of the UTF-8 content.",
                nameof(list));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        string? previousContent = null, previousSha = null, previousStatus = null, previousKind = null, previousFormat = null;
        var previousVersion = 0;
        await using (var select = new NpgsqlCommand(
            "SELECT content, sha256, status, version, kind, format FROM threat_lists WHERE tenant_id = @tenant_id AND name = @name FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue("tenant_id", list.TenantId);
            select.Parameters.AddWithValue("name", list.Name);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                previousContent = reader.GetString(0);
                previousSha = reader.GetString(1);
                previousStatus = reader.GetString(2);
                previousVersion = reader.GetInt32(3);
                previousKind = reader.GetString(4);
                previousFormat = reader.GetString(5);
            }
        }

        var changed = previousSha != list.Sha256 || previousKind != list.Kind || previousFormat != list.Format;
        var version = previousSha == list.Sha256 ? previousVersion : previousVersion + 1;
        var status = list.Status == ListStatus.Inactive ? ListStatus.Inactive
            : changed || previousStatus is null or ListStatus.Inactive or ListStatus.Error ? ListStatus.Activating
            : previousStatus;

        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO threat_lists (tenant_id, name, format, kind, content, sha256, updated_at, updated_by, status, status_reason, version, entry_count, rejected_count)
            VALUES (@tenant_id, @name, @format, @kind, @content, @sha256, @updated_at, @updated_by, @status, NULL, @version, @entry_count, @rejected_count)
            ON CONFLICT (tenant_id, name) DO UPDATE SET
                format = excluded.format,
                kind = excluded.kind,
                content = excluded.content,
                sha256 = excluded.sha256,
                updated_at = excluded.updated_at,
                updated_by = excluded.updated_by,
                status = excluded.status,
                status_reason = NULL,
                version = excluded.version,
                entry_count = excluded.entry_count,
                rejected_count = excluded.rejected_count
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("tenant_id", list.TenantId);
            upsert.Parameters.AddWithValue("name", list.Name);
            upsert.Parameters.AddWithValue("format", list.Format);
            upsert.Parameters.AddWithValue("kind", list.Kind);
            upsert.Parameters.AddWithValue("content", list.Content);
            upsert.Parameters.AddWithValue("sha256", list.Sha256);
            upsert.Parameters.AddWithValue("updated_at", list.UpdatedAt.UtcDateTime);
            upsert.Parameters.AddWithValue("updated_by", list.UpdatedBy);
            upsert.Parameters.AddWithValue("status", status);
            upsert.Parameters.AddWithValue("version", version);
            upsert.Parameters.AddWithValue("entry_count", (object?)list.EntryCount ?? DBNull.Value);
            upsert.Parameters.AddWithValue("rejected_count", (object?)list.RejectedCount ?? DBNull.Value);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (version != previousVersion)
        {
            await ListHistory.AddVersionAsync(connection, transaction, ListScope.Tenant, list.TenantId, list.Name, version, list.Sha256, list.EntryCount, list.RejectedCount, list.UpdatedAt, list.UpdatedBy, cancellationToken);
        }

        var action = "reimported";
        if (previousSha is null)
        {
            action = "created";
        }
        else if (version != previousVersion)
        {
            action = "updated";
        }
        else if (changed)
        {
            action = "changed-settings";
        }

        var detail = $"version {version}, kind {list.Kind}, format {list.Format}, sha256 {list.Sha256}, status {status}"
            + (list.EntryCount is { } entries ? $", {entries} entries, {list.RejectedCount ?? 0} rejected" : "");
        await ListHistory.AuditAsync(connection, transaction, ListScope.Tenant, list.TenantId, list.Name, action, list.UpdatedBy, list.UpdatedAt, detail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ListSaveResult(version, changed, previousContent, previousStatus);
    }

    public async Task<IReadOnlyList<StoredThreatList>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM threat_lists ORDER BY tenant_id, name");
        return await ReadListsAsync(command, cancellationToken);
    }

    public async Task<StoredThreatList?> FindAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM threat_lists WHERE tenant_id = @tenant_id AND name = @name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        var lists = await ReadListsAsync(command, cancellationToken);
        return lists.Count == 0 ? null : lists[0];
    }

    public async Task<bool> SetActiveAsync(string tenantId, string name, bool active, string actor, CancellationToken cancellationToken)
    {
        var status = active ? ListStatus.Activating : ListStatus.Inactive;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE threat_lists SET status = @status, status_reason = NULL, updated_at = @at, updated_by = @actor
            WHERE tenant_id = @tenant_id AND name = @name
            """, connection, transaction);
        var now = DateTimeOffset.UtcNow;
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("at", now.UtcDateTime);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await ListHistory.AuditAsync(connection, transaction, ListScope.Tenant, tenantId, name, active ? "activated" : "deactivated", actor, now, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> DeleteAsync(string tenantId, string name, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM threat_lists WHERE tenant_id = @tenant_id AND name = @name", connection, transaction);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await ListHistory.AuditAsync(connection, transaction, ListScope.Tenant, tenantId, name, "deleted", actor, DateTimeOffset.UtcNow, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public Task<bool> ReportLoadAsync(ListScope scope, string tenantId, string name, string sha256, ListLoadOutcome outcome, CancellationToken cancellationToken) =>
        ListHistory.ReportLoadAsync(dataSource, scope, tenantId, name, sha256, outcome, cancellationToken);

    public Task<IReadOnlyList<ListVersion>> LoadVersionsAsync(ListScope scope, string tenantId, string name, CancellationToken cancellationToken) =>
        ListHistory.LoadVersionsAsync(dataSource, scope, tenantId, name, cancellationToken);

    public Task<IReadOnlyList<ListAuditEntry>> LoadAuditAsync(ListScope scope, string tenantId, string name, int limit, CancellationToken cancellationToken) =>
        ListHistory.LoadAuditAsync(dataSource, scope, tenantId, name, limit, cancellationToken);

    private const string Columns = "tenant_id, name, format, content, sha256, updated_at, updated_by, kind, status, status_reason, version, entry_count, rejected_count";

    private static async Task<IReadOnlyList<StoredThreatList>> ReadListsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lists = new List<StoredThreatList>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lists.Add(new StoredThreatList
            {
                TenantId = reader.GetString(0),
                Name = reader.GetString(1),
                Format = reader.GetString(2),
                Content = reader.GetString(3),
                Sha256 = reader.GetString(4),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                UpdatedBy = reader.GetString(6),
                Kind = reader.GetString(7),
                Status = reader.GetString(8),
                StatusReason = reader.IsDBNull(9) ? null : reader.GetString(9),
                Version = reader.GetInt32(10),
                EntryCount = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                RejectedCount = reader.IsDBNull(12) ? null : reader.GetInt32(12),
            });
        }

        return lists;
    }
}
