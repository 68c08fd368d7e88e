using Npgsql;
using NpgsqlTypes;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Keeps the <see cref="IAuditLog"/> in the <c>audit_log</c> table. Reads filter on the tenant id,
/// so one tenant never reads another tenant's entries.
/// </summary>
public sealed class PostgresAuditLog : IAuditLog
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresAuditLog(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<long> WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.TenantId);
        RequireName(entry.Actor, nameof(entry.Actor));
        RequireName(entry.Action, nameof(entry.Action));
        RequireName(entry.ObjectType, nameof(entry.ObjectType));
        RequireName(entry.ObjectId, nameof(entry.ObjectId));
        RequireDocument(entry.Before, nameof(entry.Before));
        RequireDocument(entry.After, nameof(entry.After));

        await using var command = dataSource.CreateCommand("""
            INSERT INTO audit_log (tenant_id, actor, action, object_type, object_id, before_state, after_state, at)
            VALUES (@tenant_id, @actor, @action, @object_type, @object_id, @before_state, @after_state, @at)
            RETURNING id
            """);
        command.Parameters.AddWithValue("tenant_id", entry.TenantId);
        command.Parameters.AddWithValue("actor", entry.Actor);
        command.Parameters.AddWithValue("action", entry.Action);
        command.Parameters.AddWithValue("object_type", entry.ObjectType);
        command.Parameters.AddWithValue("object_id", entry.ObjectId);
        command.Parameters.Add(new NpgsqlParameter("before_state", NpgsqlDbType.Jsonb) { Value = (object?)entry.Before ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("after_state", NpgsqlDbType.Jsonb) { Value = (object?)entry.After ?? DBNull.Value });
        command.Parameters.AddWithValue("at", entry.At.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(string tenantId, AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, AuditQuery.MaxLimit, nameof(query));

        await using var command = dataSource.CreateCommand("""
            SELECT id, tenant_id, actor, action, object_type, object_id, before_state::text, after_state::text, at
            FROM audit_log
            WHERE tenant_id = @tenant_id
              AND (@before_id::bigint IS NULL OR id < @before_id)
              AND (@object_type::text IS NULL OR object_type = @object_type)
              AND (@object_id::text IS NULL OR object_id = @object_id)
            ORDER BY id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.Add(new NpgsqlParameter("before_id", NpgsqlDbType.Bigint) { Value = (object?)query.BeforeId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("object_type", NpgsqlDbType.Text) { Value = (object?)query.ObjectType ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("object_id", NpgsqlDbType.Text) { Value = (object?)query.ObjectId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", query.Limit);

        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var entry = new AuditEntry(
                TenantId: reader.GetString(1),
                Actor: reader.GetString(2),
                Action: reader.GetString(3),
                ObjectType: reader.GetString(4),
                ObjectId: reader.GetString(5),
                Before: reader.IsDBNull(6) ? null : reader.GetString(6),
                After: reader.IsDBNull(7) ? null : reader.GetString(7),
                At: reader.GetFieldValue<DateTimeOffset>(8));
            records.Add(new AuditRecord(reader.GetInt64(0), entry));
        }

        return records;
    }

    private static void RequireName(string? value, string field)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, field);
        if (value.Length > AuditEntry.MaxNameLength)
        {
            throw new ArgumentException($"The audit entry's {field} is {value.Length} characters long; at most {AuditEntry.MaxNameLength} are stored.", field);
        }
    }

    private static void RequireDocument(string? value, string field)
    {
        if (value is not null && value.Length > AuditEntry.MaxDocumentLength)
        {
            throw new ArgumentException($"The audit entry's {field} document is {value.Length} characters long; at most {AuditEntry.MaxDocumentLength} are stored.", field);
        }
    }
}
