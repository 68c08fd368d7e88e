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
            INSERT INTO threat_lists (tenant_id, name, format, kind, content, sha256, updated_at, updated_by, status, status_reason, version, entry_count, rejected_count,
                                      source, refresh_seconds, fetched_at, next_fetch_at)
            VALUES (@tenant_id, @name, @format, @kind, @content, @sha256, @updated_at, @updated_by, @status, NULL, @version, @entry_count, @rejected_count,
                    @source, @refresh_seconds, @fetched_at, @next_fetch_at)
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
                rejected_count = excluded.rejected_count,
                source = excluded.source,
                refresh_seconds = excluded.refresh_seconds,
                fetched_at = excluded.fetched_at,
                next_fetch_at = excluded.next_fetch_at
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
            var refresh = list.Source is null ? null : list.RefreshInterval;
            upsert.Parameters.AddWithValue("source", (object?)list.Source ?? DBNull.Value);
            upsert.Parameters.AddWithValue("refresh_seconds", refresh is { } interval ? (int)Math.Min(int.MaxValue, interval.TotalSeconds) : DBNull.Value);
            upsert.Parameters.AddWithValue("fetched_at", list.Source is null ? DBNull.Value : list.UpdatedAt.UtcDateTime);
            upsert.Parameters.AddWithValue("next_fetch_at", refresh is { } next ? (list.UpdatedAt + next).UtcDateTime : DBNull.Value);
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
            + (list.EntryCount is { } entries ? $", {entries} entries, {list.RejectedCount ?? 0} rejected" : "")
            + (list.Source is { } source ? $", source {source}, refresh every {(int)(list.RefreshInterval ?? TimeSpan.Zero).TotalSeconds} s" : "");
        await ListHistory.AuditAsync(connection, transaction, ListScope.Tenant, list.TenantId, list.Name, action, list.UpdatedBy, list.UpdatedAt, detail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ListSaveResult(version, changed, previousContent, previousStatus);
    }

    public async Task<IReadOnlyList<StoredThreatList>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM threat_lists ORDER BY tenant_id, name");
        return await ReadListsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredThreatList>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns.Replace("content", "''", StringComparison.Ordinal)} FROM threat_lists WHERE tenant_id = @tenant_id ORDER BY name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
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

    public async Task<IReadOnlyList<StoredThreatList>> ClaimDueFetchesAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        // SKIP LOCKED lets two silos claim at the same moment without waiting for or taking each other's lists.
        await using var command = dataSource.CreateCommand($"""
            WITH due AS (
                SELECT tenant_id, name FROM threat_lists
                WHERE source IS NOT NULL AND status <> 'inactive' AND next_fetch_at <= @now
                ORDER BY next_fetch_at
                LIMIT 100
                FOR UPDATE SKIP LOCKED
            )
            UPDATE threat_lists AS list SET next_fetch_at = @leased
            FROM due WHERE list.tenant_id = due.tenant_id AND list.name = due.name
            RETURNING {QualifiedColumns}
            """);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("leased", (now + lease).UtcDateTime);
        return await ReadListsAsync(command, cancellationToken);
    }

    public async Task<bool> ReportFetchAsync(string tenantId, string name, string? failureReason, DateTimeOffset at, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? previousStatus;
        await using (var select = new NpgsqlCommand(
            "SELECT status FROM threat_lists WHERE tenant_id = @tenant_id AND name = @name AND source IS NOT NULL FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue("tenant_id", tenantId);
            select.Parameters.AddWithValue("name", name);
            previousStatus = (string?)await select.ExecuteScalarAsync(cancellationToken);
        }

        if (previousStatus is null)
        {
            return false;
        }

        var bounded = failureReason is { Length: > 1_000 } ? failureReason[..1_000] : failureReason;
        var status = previousStatus;
        if (previousStatus != ListStatus.Inactive)
        {
            status = bounded is not null ? ListStatus.Error : previousStatus == ListStatus.Error ? ListStatus.Activating : previousStatus;
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE threat_lists SET
                status = @status,
                status_reason = CASE WHEN @status = 'error' THEN @reason ELSE NULL END,
                fetched_at = CASE WHEN @reason IS NULL THEN @at ELSE fetched_at END,
                next_fetch_at = @at + make_interval(secs => refresh_seconds)
            WHERE tenant_id = @tenant_id AND name = @name
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("status", status);
            update.Parameters.Add(new NpgsqlParameter("reason", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)bounded ?? DBNull.Value });
            update.Parameters.AddWithValue("at", at.UtcDateTime);
            update.Parameters.AddWithValue("tenant_id", tenantId);
            update.Parameters.AddWithValue("name", name);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        // An unchanged fetch of a healthy list is not a change, so only failures and recoveries are audited.
        if (bounded is not null)
        {
            await ListHistory.AuditAsync(connection, transaction, ListScope.Tenant, tenantId, name, "fetch-failed", actor, at, bounded, cancellationToken);
        }
        else if (status != previousStatus)
        {
            await ListHistory.AuditAsync(connection, transaction, ListScope.Tenant, tenantId, name, "fetched", actor, at, "content unchanged; the list is loaded again", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private const string Columns = "tenant_id, name, format, content, sha256, updated_at, updated_by, kind, status, status_reason, version, entry_count, rejected_count, source, refresh_seconds, fetched_at, next_fetch_at";

    private const string QualifiedColumns = "list.tenant_id, list.name, list.format, list.content, list.sha256, list.updated_at, list.updated_by, list.kind, list.status, list.status_reason, list.version, list.entry_count, list.rejected_count, list.source, list.refresh_seconds, list.fetched_at, list.next_fetch_at";

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
                Source = reader.IsDBNull(13) ? null : reader.GetString(13),
                RefreshInterval = reader.IsDBNull(14) ? null : TimeSpan.FromSeconds(reader.GetInt32(14)),
                FetchedAt = reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
                NextFetchAt = reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
            });
        }

        return lists;
    }
}
