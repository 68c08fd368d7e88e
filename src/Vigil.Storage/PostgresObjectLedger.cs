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
    /// Decides from the tenant's ledger row: a rewritten object (another fingerprint) is read again,
    /// a done one is skipped, and a failed one waits for its next attempt or has given up.
    /// </summary>
    public async Task<ObjectReadDecision> DecideAsync(string tenantId, string objectKey, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(objectKey);
        ArgumentNullException.ThrowIfNull(fingerprint);

        await using var command = dataSource.CreateCommand("""
            SELECT fingerprint, error, attempts, next_attempt_at
            FROM ingested_objects
            WHERE tenant_id = @tenant_id AND object_key = @object_key
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("object_key", objectKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ObjectReadDecision.Read;
        }

        var nextAttemptAt = reader.IsDBNull(3) ? (DateTimeOffset?)null : new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero);
        return ObjectRetryPolicy.Decide(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetInt32(2),
            nextAttemptAt,
            fingerprint,
            now);
    }

    /// <summary>
    /// Records the outcome of a read, replacing the earlier record of the same tenant and object key.
    /// A failure of the same fingerprint as an earlier failure counts one more attempt, and the next
    /// attempt is due after <see cref="ObjectRetryPolicy.DelayAfter"/> of that count.
    /// </summary>
    public async Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.TenantId, nameof(record));

        await using var command = dataSource.CreateCommand("""
            INSERT INTO ingested_objects (
                tenant_id, object_key, fingerprint, kind, records_read, records_rejected,
                duplicates_dropped, findings_raised, error, started_at, finished_at, attempts, next_attempt_at)
            VALUES (
                @tenant_id, @object_key, @fingerprint, @kind, @records_read, @records_rejected,
                @duplicates_dropped, @findings_raised, @error, @started_at, @finished_at, 1,
                CASE WHEN @error IS NULL THEN NULL ELSE @finished_at + make_interval(secs => @first_delay_seconds) END)
            ON CONFLICT (tenant_id, object_key) DO UPDATE SET
                fingerprint = excluded.fingerprint,
                kind = excluded.kind,
                records_read = excluded.records_read,
                records_rejected = excluded.records_rejected,
                duplicates_dropped = excluded.duplicates_dropped,
                findings_raised = excluded.findings_raised,
                error = excluded.error,
                started_at = excluded.started_at,
                finished_at = excluded.finished_at,
                attempts = CASE
                    WHEN excluded.error IS NOT NULL AND ingested_objects.error IS NOT NULL
                         AND ingested_objects.fingerprint = excluded.fingerprint
                    THEN ingested_objects.attempts + 1
                    ELSE 1
                END,
                next_attempt_at = CASE
                    WHEN excluded.error IS NULL THEN NULL
                    WHEN ingested_objects.error IS NOT NULL AND ingested_objects.fingerprint = excluded.fingerprint
                    THEN excluded.finished_at + make_interval(secs => least(
                        @first_delay_seconds * power(2, ingested_objects.attempts), @max_delay_seconds))
                    ELSE excluded.next_attempt_at
                END
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
        command.Parameters.AddWithValue("first_delay_seconds", ObjectRetryPolicy.FirstDelay.TotalSeconds);
        command.Parameters.AddWithValue("max_delay_seconds", ObjectRetryPolicy.MaxDelay.TotalSeconds);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
