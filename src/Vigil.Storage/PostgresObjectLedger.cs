using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps the outcome of each log object's latest read in the <c>ingested_objects</c> table.</summary>
public sealed class PostgresObjectLedger : IObjectLedger
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresObjectLedger(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    /// <summary>
    /// Returns true only when the tenant's object was read to the end without an error and its
    /// recorded fingerprint equals <paramref name="fingerprint"/>, so a rewritten object is read again.
    /// </summary>
    public async Task<bool> IsDoneAsync(string tenantId, string objectKey, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(objectKey);
        ArgumentNullException.ThrowIfNull(fingerprint);

        await using var command = dataSource.CreateCommand("""
            SELECT EXISTS (
                SELECT 1 FROM ingested_objects
                WHERE tenant_id = @tenant_id
                  AND object_key = @object_key
                  AND fingerprint = @fingerprint
                  AND error IS NULL)
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("object_key", objectKey);
        command.Parameters.AddWithValue("fingerprint", fingerprint);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records the outcome of a read, replacing the earlier record of the same tenant and object key.</summary>
    public async Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.TenantId, nameof(record));

        await using var command = dataSource.CreateCommand("""
            INSERT INTO ingested_objects (
                tenant_id, object_key, fingerprint, kind, records_read, records_rejected,
                duplicates_dropped, findings_raised, error, started_at, finished_at)
            VALUES (
                @tenant_id, @object_key, @fingerprint, @kind, @records_read, @records_rejected,
                @duplicates_dropped, @findings_raised, @error, @started_at, @finished_at)
            ON CONFLICT (tenant_id, object_key) DO UPDATE SET
                fingerprint = excluded.fingerprint,
                kind = excluded.kind,
                records_read = excluded.records_read,
                records_rejected = excluded.records_rejected,
                duplicates_dropped = excluded.duplicates_dropped,
                findings_raised = excluded.findings_raised,
                error = excluded.error,
                started_at = excluded.started_at,
                finished_at = excluded.finished_at
            """);
        command.Parameters.AddWithValue("tenant_id", record.TenantId);
        command.Parameters.AddWithValue("object_key", record.ObjectKey);
        command.Parameters.AddWithValue("fingerprint", record.Fingerprint);
        command.Parameters.AddWithValue("kind", record.Kind.ToString());
        command.Parameters.AddWithValue("records_read", record.RecordsRead);
        command.Parameters.AddWithValue("records_rejected", record.RecordsRejected);
        command.Parameters.AddWithValue("duplicates_dropped", record.DuplicatesDropped);
        command.Parameters.AddWithValue("findings_raised", record.FindingsRaised);
        command.Parameters.Add(new NpgsqlParameter<string?>("error", record.Error));
        command.Parameters.AddWithValue("started_at", record.StartedAt.UtcDateTime);
        command.Parameters.AddWithValue("finished_at", record.FinishedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
