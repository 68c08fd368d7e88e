using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Keeps the tenants' log sources in the <c>sources</c> table and their counters in
/// <c>source_status</c>. Every statement that takes a tenant id filters on it, so one tenant
/// never reads or changes another tenant's rows.
/// </summary>
public sealed class PostgresSourceStore : ISourceStore
{
    private const string Columns = """
        tenant_id, id, name, kind, enabled, account_ids, folder, bucket, prefix, region,
        service_url, queue_url, access_key_sha256, updated_at, updated_by, flow_log_format
        """;

    private const string NameConstraint = "sources_tenant_name_key";

    private readonly NpgsqlDataSource dataSource;

    public PostgresSourceStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<IReadOnlyList<SourceDefinition>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM sources WHERE tenant_id = @tenant_id ORDER BY name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return await ReadSourcesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<SourceDefinition>> ListEnabledAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM sources WHERE enabled ORDER BY tenant_id, name");
        return await ReadSourcesAsync(command, cancellationToken);
    }

    public async Task<SourceDefinition?> GetAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM sources WHERE tenant_id = @tenant_id AND id = @id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", sourceId);
        var sources = await ReadSourcesAsync(command, cancellationToken);
        return sources.Count == 0 ? null : sources[0];
    }

    /// <summary>
    /// Inserts the source, or updates the row with the same tenant and id. The primary key contains the
    /// tenant, so the same id saved by another tenant is another row and never overwrites this one.
    /// </summary>
    public async Task SaveAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(source.TenantId, nameof(source));
        ArgumentException.ThrowIfNullOrWhiteSpace(source.Name, nameof(source));

        await using var command = dataSource.CreateCommand($"""
            INSERT INTO sources ({Columns})
            VALUES (@tenant_id, @id, @name, @kind, @enabled, @account_ids, @folder, @bucket, @prefix, @region,
                    @service_url, @queue_url, @access_key_sha256, @updated_at, @updated_by, @flow_log_format)
            ON CONFLICT (tenant_id, id) DO UPDATE SET
                name = excluded.name,
                kind = excluded.kind,
                enabled = excluded.enabled,
                account_ids = excluded.account_ids,
                folder = excluded.folder,
                bucket = excluded.bucket,
                prefix = excluded.prefix,
                region = excluded.region,
                service_url = excluded.service_url,
                queue_url = excluded.queue_url,
                access_key_sha256 = excluded.access_key_sha256,
                updated_at = excluded.updated_at,
                updated_by = excluded.updated_by,
                flow_log_format = excluded.flow_log_format
            """);
        command.Parameters.AddWithValue("tenant_id", source.TenantId);
        command.Parameters.AddWithValue("id", source.Id);
        command.Parameters.AddWithValue("name", source.Name);
        command.Parameters.AddWithValue("kind", source.Kind.ToString());
        command.Parameters.AddWithValue("enabled", source.Enabled);
        command.Parameters.AddWithValue("account_ids", source.AccountIds.ToArray());
        command.Parameters.Add(new NpgsqlParameter<string?>("folder", source.Folder));
        command.Parameters.Add(new NpgsqlParameter<string?>("bucket", source.Bucket));
        command.Parameters.Add(new NpgsqlParameter<string?>("prefix", source.Prefix));
        command.Parameters.Add(new NpgsqlParameter<string?>("region", source.Region));
        command.Parameters.Add(new NpgsqlParameter<string?>("service_url", source.ServiceUrl));
        command.Parameters.Add(new NpgsqlParameter<string?>("queue_url", source.QueueUrl));
        command.Parameters.Add(new NpgsqlParameter<string?>("access_key_sha256", source.AccessKeySha256));
        command.Parameters.AddWithValue("updated_at", source.UpdatedAt.UtcDateTime);
        command.Parameters.AddWithValue("updated_by", source.UpdatedBy);
        command.Parameters.Add(new NpgsqlParameter<string?>("flow_log_format", source.FlowLogFormat));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == NameConstraint)
        {
            throw new SourceConflictException($"Tenant '{source.TenantId}' already has another source named '{source.Name}'.");
        }
    }

    public async Task<bool> DeleteAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand("DELETE FROM sources WHERE tenant_id = @tenant_id AND id = @id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", sourceId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<SourceDefinition?> FindByAccessKeyHashAsync(string accessKeySha256, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeySha256);
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM sources
            WHERE access_key_sha256 = @hash AND enabled AND kind = @kind
            ORDER BY tenant_id, id
            LIMIT 1
            """);
        command.Parameters.AddWithValue("hash", accessKeySha256);
        command.Parameters.AddWithValue("kind", nameof(SourceKind.Firehose));
        var sources = await ReadSourcesAsync(command, cancellationToken);
        return sources.Count == 0 ? null : sources[0];
    }

    /// <summary>
    /// Adds the progress to the source's counters. The newest event time only moves forward; the lag
    /// is the one of this read. Progress of a source deleted meanwhile is dropped with it.
    /// </summary>
    public async Task RecordProgressAsync(SourceProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentException.ThrowIfNullOrEmpty(progress.TenantId, nameof(progress));

        await using var command = dataSource.CreateCommand("""
            INSERT INTO source_status AS s (
                tenant_id, source_id, objects_read, objects_failed, records_read, records_rejected,
                records_from_unregistered_accounts, last_read_at, newest_event_time, lag_seconds, last_error, last_error_at)
            SELECT @tenant_id, @source_id, @objects_read, @objects_failed, @records_read, @records_rejected,
                   @unregistered, @at, @newest_event_time, @lag_seconds, @error,
                   CASE WHEN @error IS NULL THEN NULL ELSE @at END
            FROM sources WHERE tenant_id = @tenant_id AND id = @source_id
            ON CONFLICT (tenant_id, source_id) DO UPDATE SET
                objects_read = s.objects_read + excluded.objects_read,
                objects_failed = s.objects_failed + excluded.objects_failed,
                records_read = s.records_read + excluded.records_read,
                records_rejected = s.records_rejected + excluded.records_rejected,
                records_from_unregistered_accounts = s.records_from_unregistered_accounts + excluded.records_from_unregistered_accounts,
                last_read_at = greatest(s.last_read_at, excluded.last_read_at),
                newest_event_time = greatest(s.newest_event_time, excluded.newest_event_time),
                lag_seconds = coalesce(excluded.lag_seconds, s.lag_seconds),
                last_error = coalesce(excluded.last_error, s.last_error),
                last_error_at = coalesce(excluded.last_error_at, s.last_error_at)
            """);
        var lag = progress.NewestEventTime is null ? (double?)null : (progress.At - progress.NewestEventTime.Value).TotalSeconds;
        command.Parameters.AddWithValue("tenant_id", progress.TenantId);
        command.Parameters.AddWithValue("source_id", progress.SourceId);
        command.Parameters.AddWithValue("objects_read", progress.ObjectsRead);
        command.Parameters.AddWithValue("objects_failed", progress.ObjectsFailed);
        command.Parameters.AddWithValue("records_read", progress.RecordsRead);
        command.Parameters.AddWithValue("records_rejected", progress.RecordsRejected);
        command.Parameters.AddWithValue("unregistered", progress.RecordsFromUnregisteredAccounts);
        command.Parameters.AddWithValue("at", progress.At.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter<DateTime?>("newest_event_time", progress.NewestEventTime?.UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter<double?>("lag_seconds", lag));
        command.Parameters.Add(new NpgsqlParameter<string?>("error", progress.Error));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SourceStatus>> ListStatusAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand("""
            SELECT source_id, objects_read, objects_failed, records_read, records_rejected,
                   records_from_unregistered_accounts, last_read_at, newest_event_time, lag_seconds, last_error, last_error_at
            FROM source_status
            WHERE tenant_id = @tenant_id
            ORDER BY source_id
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var statuses = new List<SourceStatus>();
        while (await reader.ReadAsync(cancellationToken))
        {
            statuses.Add(new SourceStatus
            {
                SourceId = reader.GetGuid(0),
                ObjectsRead = reader.GetInt64(1),
                ObjectsFailed = reader.GetInt64(2),
                RecordsRead = reader.GetInt64(3),
                RecordsRejected = reader.GetInt64(4),
                RecordsFromUnregisteredAccounts = reader.GetInt64(5),
                LastReadAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                NewestEventTime = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                Lag = reader.IsDBNull(8) ? null : TimeSpan.FromSeconds(reader.GetDouble(8)),
                LastError = reader.IsDBNull(9) ? null : reader.GetString(9),
                LastErrorAt = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            });
        }

        return statuses;
    }

    private static async Task<IReadOnlyList<SourceDefinition>> ReadSourcesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sources = new List<SourceDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sources.Add(new SourceDefinition
            {
                TenantId = reader.GetString(0),
                Id = reader.GetGuid(1),
                Name = reader.GetString(2),
                Kind = Enum.Parse<SourceKind>(reader.GetString(3)),
                Enabled = reader.GetBoolean(4),
                AccountIds = reader.GetFieldValue<string[]>(5),
                Folder = reader.IsDBNull(6) ? null : reader.GetString(6),
                Bucket = reader.IsDBNull(7) ? null : reader.GetString(7),
                Prefix = reader.IsDBNull(8) ? null : reader.GetString(8),
                Region = reader.IsDBNull(9) ? null : reader.GetString(9),
                ServiceUrl = reader.IsDBNull(10) ? null : reader.GetString(10),
                QueueUrl = reader.IsDBNull(11) ? null : reader.GetString(11),
                AccessKeySha256 = reader.IsDBNull(12) ? null : reader.GetString(12),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(13),
                UpdatedBy = reader.GetString(14),
                FlowLogFormat = reader.IsDBNull(15) ? null : reader.GetString(15),
            });
        }

        return sources;
    }
}
