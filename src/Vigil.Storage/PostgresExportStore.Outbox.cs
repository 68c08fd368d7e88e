using Npgsql;
using NpgsqlTypes;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

public sealed partial class PostgresExportStore
{
    public async Task<IReadOnlyList<LeasedExportDestination>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await using var command = dataSource.CreateCommand($"""
            UPDATE export_destinations d SET lease_owner = @owner, lease_until = @until
            WHERE d.enabled AND (d.lease_owner IS NULL OR d.lease_owner = @owner OR d.lease_until < @now)
            RETURNING {DestinationColumns}
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("until", (now + duration).ToUniversalTime());
        return await ReadDestinationsAsync(command, cancellationToken);
    }

    public async Task<LeasedExportDestination?> StartUpdateBatchAsync(Guid destinationId, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE export_destinations d SET
                update_target_tx = {HeadTransactionSql} - 1, update_target_id = 9223372036854775807, updates_started_at = @now
            WHERE d.id = @id AND d.lease_owner = @owner
            RETURNING {DestinationColumns}
            """);
        command.Parameters.AddWithValue("id", destinationId);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        var destinations = await ReadDestinationsAsync(command, cancellationToken);
        return destinations.Count == 0 ? null : destinations[0];
    }

    public async Task<ExportPage> ReadAsync(LeasedExportDestination destination, ExportStream stream, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        var from = stream == ExportStream.New ? destination.NewPosition : destination.UpdatePosition;
        var to = stream == ExportStream.New ? new ExportPosition(long.MaxValue, long.MaxValue) : destination.UpdateTarget;
        if (from >= to)
        {
            return new ExportPage([], from);
        }

        // Only findings a suppression rule archived are held back. GuardDuty keeps sending updates of
        // findings an analyst archived by hand, so those go out with their archived state.
        await using var command = dataSource.CreateCommand($"""
            SELECT o.tx, o.id, o.finding_id, s.finding_updated_at, f.suppressed_by IS NOT NULL, {PrefixColumns("f.", PostgresFindingStore.StoredFindingColumns)}
            FROM export_outbox o
            LEFT JOIN findings f ON f.tenant_id = o.tenant_id AND f.id = o.finding_id
            LEFT JOIN export_sent s ON s.destination_id = @destination_id AND s.finding_id = o.finding_id
            WHERE o.tenant_id = @tenant_id AND o.created = @created
              AND (o.tx, o.id) > (@from_tx, @from_id) AND (o.tx, o.id) <= (@to_tx, @to_id)
              AND o.tx < {HeadTransactionSql}
            ORDER BY o.tx, o.id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("destination_id", destination.Destination.Id);
        command.Parameters.AddWithValue("tenant_id", destination.Destination.TenantId);
        command.Parameters.AddWithValue("created", stream == ExportStream.New);
        command.Parameters.AddWithValue("from_tx", from.Transaction);
        command.Parameters.AddWithValue("from_id", from.Id);
        command.Parameters.AddWithValue("to_tx", to.Transaction);
        command.Parameters.AddWithValue("to_id", to.Id);
        command.Parameters.AddWithValue("limit", limit);

        var items = new List<ExportItem>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var position = new ExportPosition(reader.GetInt64(0), reader.GetInt64(1));
                var sent = reader.IsDBNull(3) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(3);
                var suppressed = !reader.IsDBNull(4) && reader.GetBoolean(4);
                Finding? finding = reader.IsDBNull(5) ? null : PostgresFindingStore.ReadStoredFinding(reader, 5);
                items.Add(new ExportItem(position, reader.GetString(2), finding, suppressed, sent));
            }
        }

        // A short page of updates has read everything up to the batch's end.
        var end = items.Count < limit && stream == ExportStream.Updates ? to : items.Count > 0 ? items[^1].Position : from;
        return new ExportPage(items, end);
    }

    public async Task<bool> CompleteAsync(ExportCompletion completion, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentException.ThrowIfNullOrEmpty(owner);

        var columns = completion.Stream == ExportStream.New ? ("new_tx", "new_id") : ("update_tx", "update_id");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var move = new NpgsqlCommand($"""
            UPDATE export_destinations SET {columns.Item1} = @tx, {columns.Item2} = @id, attempts = 0, next_attempt_at = NULL,
                last_delivery_at = CASE WHEN @delivered THEN @at ELSE last_delivery_at END
            WHERE id = @destination_id AND lease_owner = @owner
            """, connection, transaction))
        {
            move.Parameters.AddWithValue("tx", completion.Position.Transaction);
            move.Parameters.AddWithValue("id", completion.Position.Id);
            move.Parameters.AddWithValue("delivered", completion.Sent.Count > 0);
            move.Parameters.AddWithValue("at", completion.At.ToUniversalTime());
            move.Parameters.AddWithValue("destination_id", completion.DestinationId);
            move.Parameters.AddWithValue("owner", owner);
            if (await move.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        if (completion.Sent.Count > 0)
        {
            await using var sent = new NpgsqlCommand("""
                INSERT INTO export_sent (destination_id, finding_id, finding_updated_at)
                SELECT @destination_id, s.finding_id, s.updated_at FROM unnest(@finding_ids, @updated_ats) AS s(finding_id, updated_at)
                ON CONFLICT (destination_id, finding_id) DO UPDATE SET finding_updated_at = excluded.finding_updated_at
                """, connection, transaction);
            sent.Parameters.AddWithValue("destination_id", completion.DestinationId);
            sent.Parameters.Add(new NpgsqlParameter<string[]>("finding_ids", [.. completion.Sent.Select(item => item.FindingId)]));
            sent.Parameters.Add(new NpgsqlParameter<DateTime[]>("updated_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. completion.Sent.Select(item => item.UpdatedAt.UtcDateTime)] });
            await sent.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var letter in completion.DeadLetters)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO export_dead_letters (tenant_id, destination_id, destination_name, finding_id, finding_updated_at, attempts, last_error, body, failed_at)
                VALUES (@tenant_id, @destination_id, @destination_name, @finding_id, @finding_updated_at, @attempts, @last_error, @body, @failed_at)
                """, connection, transaction);
            insert.Parameters.AddWithValue("tenant_id", letter.TenantId);
            insert.Parameters.AddWithValue("destination_id", letter.DestinationId);
            insert.Parameters.AddWithValue("destination_name", letter.DestinationName);
            insert.Parameters.AddWithValue("finding_id", letter.FindingId);
            insert.Parameters.AddWithValue("finding_updated_at", letter.FindingUpdatedAt.ToUniversalTime());
            insert.Parameters.AddWithValue("attempts", letter.Attempts);
            insert.Parameters.AddWithValue("last_error", letter.LastError);
            insert.Parameters.AddWithValue("body", letter.Body);
            insert.Parameters.AddWithValue("failed_at", letter.FailedAt.ToUniversalTime());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task RecordFailureAsync(Guid destinationId, string owner, int attempts, DateTimeOffset nextAttemptAt, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE export_destinations SET attempts = @attempts, next_attempt_at = @next, last_error = @error, last_error_at = @now
            WHERE id = @id AND lease_owner = @owner
            """);
        command.Parameters.AddWithValue("attempts", attempts);
        command.Parameters.AddWithValue("next", nextAttemptAt.ToUniversalTime());
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("id", destinationId);
        command.Parameters.AddWithValue("owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            DELETE FROM export_outbox o
            WHERE NOT EXISTS (
                SELECT 1 FROM export_destinations d
                WHERE d.tenant_id = o.tenant_id
                  AND CASE WHEN o.created THEN (o.tx, o.id) > (d.new_tx, d.new_id) ELSE (o.tx, o.id) > (d.update_tx, d.update_id) END)
            """);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string PrefixColumns(string prefix, string columns) =>
        string.Join(", ", columns.Split(", ").Select(column => prefix + column));
}
