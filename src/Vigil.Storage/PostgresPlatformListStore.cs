using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps platform lists in the <c>platform_lists</c> table, with versions and audit entries under scope <c>platform</c>.</summary>
public sealed class PostgresPlatformListStore : IPlatformListStore
{
    private const string Columns = """
        name, purpose, format, source, refresh_seconds, status, status_reason, content, sha256, version,
        entry_count, rejected_count, fetched_at, next_fetch_at, updated_at, updated_by
        """;

    private readonly NpgsqlDataSource dataSource;

    public PostgresPlatformListStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task DefineAsync(PlatformListDefinition definition, bool active, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(definition.Name, nameof(definition));
        if (definition.RefreshInterval < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"Platform list '{definition.Name}' has refresh interval {definition.RefreshInterval}; use one second or more.", nameof(definition));
        }

        var now = DateTimeOffset.UtcNow;
        var status = active ? ListStatus.Activating : ListStatus.Inactive;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO platform_lists (name, purpose, format, source, refresh_seconds, status, next_fetch_at, updated_at, updated_by)
            VALUES (@name, @purpose, @format, @source, @refresh_seconds, @status, @now, @now, @actor)
            ON CONFLICT (name) DO UPDATE SET
                purpose = excluded.purpose, format = excluded.format, source = excluded.source,
                refresh_seconds = excluded.refresh_seconds, status = excluded.status, status_reason = NULL,
                next_fetch_at = excluded.next_fetch_at, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            RETURNING (xmax = 0)
            """, connection, transaction);
        command.Parameters.AddWithValue("name", definition.Name);
        command.Parameters.AddWithValue("purpose", definition.Purpose);
        command.Parameters.AddWithValue("format", definition.Format);
        command.Parameters.AddWithValue("source", definition.Source);
        command.Parameters.AddWithValue("refresh_seconds", (int)Math.Min(int.MaxValue, definition.RefreshInterval.TotalSeconds));
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("actor", actor);
        var inserted = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        var detail = $"purpose {definition.Purpose}, format {definition.Format}, source {definition.Source}, refresh every {(int)definition.RefreshInterval.TotalSeconds} s, status {status}";
        await ListHistory.AuditAsync(connection, transaction, ListScope.Platform, "", definition.Name, inserted ? "created" : "changed-settings", actor, now, detail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredPlatformList>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM platform_lists ORDER BY name");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredPlatformList>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        // The row lock of UPDATE makes two silos that claim at once take each due list once between them.
        await using var command = dataSource.CreateCommand($"""
            UPDATE platform_lists SET next_fetch_at = @lease_end
            WHERE status <> 'inactive' AND next_fetch_at <= @now
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("lease_end", (now + lease).UtcDateTime);
        return await ReadAsync(command, cancellationToken);
    }

    /// <exception cref="ArgumentException"><paramref name="sha256"/> is not the SHA-256 of the content.</exception>
    public async Task<ListSaveResult> StoreContentAsync(
        string name, string content, string sha256, int entryCount, int rejectedCount, DateTimeOffset fetchedAt, string actor, CancellationToken cancellationToken)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Platform list '{name}' content hashes to '{actual}', not '{sha256}'.", nameof(sha256));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? previousContent = null, previousSha = null, previousStatus;
        int previousVersion;
        await using (var select = new NpgsqlCommand("SELECT content, sha256, status, version FROM platform_lists WHERE name = @name FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue("name", name);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Platform list '{name}' is not defined; it may have been deleted while it was fetched.");
            }

            previousContent = reader.IsDBNull(0) ? null : reader.GetString(0);
            previousSha = reader.IsDBNull(1) ? null : reader.GetString(1);
            previousStatus = reader.GetString(2);
            previousVersion = reader.GetInt32(3);
        }

        var changed = previousSha != sha256;
        var version = changed ? previousVersion + 1 : previousVersion;
        var status = previousStatus;
        if (previousStatus != ListStatus.Inactive && (changed || previousStatus == ListStatus.Error))
        {
            status = ListStatus.Activating;
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE platform_lists SET
                content = @content, sha256 = @sha256, version = @version, status = @status, status_reason = NULL,
                entry_count = @entry_count, rejected_count = @rejected_count, fetched_at = @fetched_at,
                next_fetch_at = @fetched_at + make_interval(secs => refresh_seconds)
            WHERE name = @name
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("content", content);
            update.Parameters.AddWithValue("sha256", sha256);
            update.Parameters.AddWithValue("version", version);
            update.Parameters.AddWithValue("status", status);
            update.Parameters.AddWithValue("entry_count", entryCount);
            update.Parameters.AddWithValue("rejected_count", rejectedCount);
            update.Parameters.AddWithValue("fetched_at", fetchedAt.UtcDateTime);
            update.Parameters.AddWithValue("name", name);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (changed)
        {
            await ListHistory.AddVersionAsync(connection, transaction, ListScope.Platform, "", name, version, sha256, entryCount, rejectedCount, fetchedAt, actor, cancellationToken);
            await ListHistory.AuditAsync(connection, transaction, ListScope.Platform, "", name, "updated", actor, fetchedAt,
                $"version {version}, sha256 {sha256}, {entryCount} entries, {rejectedCount} rejected", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ListSaveResult(version, changed, previousContent, previousStatus);
    }

    public async Task ReportFetchFailedAsync(string name, string reason, DateTimeOffset at, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE platform_lists SET status = 'error', status_reason = @reason, next_fetch_at = @at + make_interval(secs => refresh_seconds)
            WHERE name = @name AND status <> 'inactive'
            """, connection, transaction);
        var bounded = reason.Length > 1_000 ? reason[..1_000] : reason;
        command.Parameters.AddWithValue("reason", bounded);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("name", name);
        if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            await ListHistory.AuditAsync(connection, transaction, ListScope.Platform, "", name, "fetch-failed", actor, at, bounded, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> SetActiveAsync(string name, bool active, string actor, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE platform_lists SET status = @status, status_reason = NULL, next_fetch_at = @now, updated_at = @now, updated_by = @actor
            WHERE name = @name
            """, connection, transaction);
        command.Parameters.AddWithValue("status", active ? ListStatus.Activating : ListStatus.Inactive);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("name", name);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await ListHistory.AuditAsync(connection, transaction, ListScope.Platform, "", name, active ? "activated" : "deactivated", actor, now, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM platform_lists WHERE name = @name", connection, transaction);
        command.Parameters.AddWithValue("name", name);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await ListHistory.AuditAsync(connection, transaction, ListScope.Platform, "", name, "deleted", actor, DateTimeOffset.UtcNow, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task<IReadOnlyList<StoredPlatformList>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lists = new List<StoredPlatformList>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lists.Add(new StoredPlatformList
            {
                Definition = new PlatformListDefinition
                {
                    Name = reader.GetString(0),
                    Purpose = reader.GetString(1),
                    Format = reader.GetString(2),
                    Source = reader.GetString(3),
                    RefreshInterval = TimeSpan.FromSeconds(reader.GetInt32(4)),
                },
                Status = reader.GetString(5),
                StatusReason = reader.IsDBNull(6) ? null : reader.GetString(6),
                Content = reader.IsDBNull(7) ? null : reader.GetString(7),
                Sha256 = reader.IsDBNull(8) ? null : reader.GetString(8),
                Version = reader.GetInt32(9),
                EntryCount = reader.IsDBNull(10) ? null : reader.GetInt32(10),
                RejectedCount = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                FetchedAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                NextFetchAt = reader.GetFieldValue<DateTimeOffset>(13),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(14),
                UpdatedBy = reader.GetString(15),
            });
        }

        return lists;
    }
}
