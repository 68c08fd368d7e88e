using System.Text.Json;
using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Keeps export destinations, publishing frequencies and dead letters, and serves the outbox that
/// the <c>findings_export_outbox</c> trigger fills (migration <c>0029_finding_export.sql</c>).
/// </summary>
public sealed partial class PostgresExportStore : IExportDestinationStore, IExportOutbox
{
    // The position before every row of transactions that have finished: rows of running transactions
    // have a transaction id at or above the snapshot's xmin.
    private const string HeadTransactionSql = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

    private const string DestinationColumns = """
        d.id, d.tenant_id, d.name, d.kind, d.format, d.enabled, d.settings::text, d.secret, d.updated_at, d.updated_by,
        d.attempts, d.next_attempt_at, d.last_error, d.last_error_at, d.last_delivery_at, d.updates_started_at,
        d.new_tx, d.new_id, d.update_tx, d.update_id, d.update_target_tx, d.update_target_id,
        coalesce((SELECT s.publishing_frequency_minutes FROM export_settings s WHERE s.tenant_id = d.tenant_id), 360)
        """;

    private static readonly JsonSerializerOptions SettingsJson = new(JsonSerializerDefaults.Web);

    private readonly NpgsqlDataSource dataSource;

    public PostgresExportStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<IReadOnlyList<ExportDestinationOverview>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {DestinationColumns} FROM export_destinations d WHERE d.tenant_id = @tenant_id ORDER BY d.name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        var leased = await ReadDestinationsAsync(command, cancellationToken);
        return [.. leased.Select(item => new ExportDestinationOverview(item.Destination, item.State))];
    }

    public async Task<ExportDestinationOverview?> GetAsync(string tenantId, Guid destinationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {DestinationColumns} FROM export_destinations d WHERE d.tenant_id = @tenant_id AND d.id = @id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", destinationId);
        var leased = await ReadDestinationsAsync(command, cancellationToken);
        return leased.Count == 0 ? null : new ExportDestinationOverview(leased[0].Destination, leased[0].State);
    }

    public async Task SaveAsync(ExportDestination destination, string? secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentException.ThrowIfNullOrEmpty(destination.TenantId);
        ArgumentException.ThrowIfNullOrEmpty(destination.Name);

        // A new destination starts after every row committed so far; an update keeps the positions.
        // The WHERE clause keeps another tenant's row with the same id unchanged.
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO export_destinations (
                id, tenant_id, name, kind, format, enabled, settings, secret,
                new_tx, new_id, update_tx, update_id, update_target_tx, update_target_id, updates_started_at,
                updated_at, updated_by)
            SELECT @id, @tenant_id, @name, @kind, @format, @enabled, @settings::jsonb, @secret,
                   h.tx, h.id, h.tx, h.id, h.tx, h.id, @updated_at, @updated_at, @updated_by
            FROM (SELECT {HeadTransactionSql} - 1 AS tx, 9223372036854775807 AS id) h
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, kind = excluded.kind, format = excluded.format, enabled = excluded.enabled,
                settings = excluded.settings, secret = coalesce(excluded.secret, export_destinations.secret),
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            WHERE export_destinations.tenant_id = excluded.tenant_id
            """);
        command.Parameters.AddWithValue("id", destination.Id);
        command.Parameters.AddWithValue("tenant_id", destination.TenantId);
        command.Parameters.AddWithValue("name", destination.Name);
        command.Parameters.AddWithValue("kind", destination.Kind.ToString());
        command.Parameters.AddWithValue("format", destination.Format.ToString());
        command.Parameters.AddWithValue("enabled", destination.Enabled);
        command.Parameters.AddWithValue("settings", JsonSerializer.Serialize(DestinationSettings.From(destination), SettingsJson));
        command.Parameters.AddWithValue("secret", (object?)secret ?? DBNull.Value);
        command.Parameters.AddWithValue("updated_at", destination.UpdatedAt.ToUniversalTime());
        command.Parameters.AddWithValue("updated_by", destination.UpdatedBy);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ExportDestinationConflictException(destination.Name);
        }
    }

    public async Task<bool> DeleteAsync(string tenantId, Guid destinationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand("DELETE FROM export_destinations WHERE tenant_id = @tenant_id AND id = @id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", destinationId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<PublishingFrequency> GetPublishingFrequencyAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand("SELECT publishing_frequency_minutes FROM export_settings WHERE tenant_id = @tenant_id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        var minutes = await command.ExecuteScalarAsync(cancellationToken);
        return minutes is int value ? (PublishingFrequency)value : PublishingFrequency.SixHours;
    }

    public async Task SetPublishingFrequencyAsync(string tenantId, PublishingFrequency frequency, string updatedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!Enum.IsDefined(frequency))
        {
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "The publishing frequency must be 15, 60 or 360 minutes.");
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO export_settings (tenant_id, publishing_frequency_minutes, updated_at, updated_by)
            VALUES (@tenant_id, @minutes, @at, @updated_by)
            ON CONFLICT (tenant_id) DO UPDATE SET
                publishing_frequency_minutes = excluded.publishing_frequency_minutes,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("minutes", (int)frequency);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        command.Parameters.AddWithValue("updated_by", updatedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ExportDeadLetter>> ListDeadLettersAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 500);

        await using var command = dataSource.CreateCommand("""
            SELECT id, tenant_id, destination_id, destination_name, finding_id, finding_updated_at, attempts, last_error, body, failed_at
            FROM export_dead_letters WHERE tenant_id = @tenant_id ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var letters = new List<ExportDeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new ExportDeadLetter
            {
                Id = reader.GetInt64(0),
                TenantId = reader.GetString(1),
                DestinationId = reader.GetGuid(2),
                DestinationName = reader.GetString(3),
                FindingId = reader.GetString(4),
                FindingUpdatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                Attempts = reader.GetInt32(6),
                LastError = reader.GetString(7),
                Body = reader.GetString(8),
                FailedAt = reader.GetFieldValue<DateTimeOffset>(9),
            });
        }

        return letters;
    }

    private static async Task<List<LeasedExportDestination>> ReadDestinationsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var destinations = new List<LeasedExportDestination>();
        while (await reader.ReadAsync(cancellationToken))
        {
            destinations.Add(ReadDestination(reader));
        }

        return destinations;
    }

    private static LeasedExportDestination ReadDestination(NpgsqlDataReader reader)
    {
        var settings = JsonSerializer.Deserialize<DestinationSettings>(reader.GetString(6), SettingsJson) ?? new DestinationSettings();
        var destination = new ExportDestination
        {
            Id = reader.GetGuid(0),
            TenantId = reader.GetString(1),
            Name = reader.GetString(2),
            Kind = Enum.Parse<ExportDestinationKind>(reader.GetString(3)),
            Format = Enum.Parse<ExportDocumentFormat>(reader.GetString(4)),
            Enabled = reader.GetBoolean(5),
            Url = settings.Url,
            Bucket = settings.Bucket,
            Prefix = settings.Prefix,
            Region = settings.Region,
            EndpointUrl = settings.EndpointUrl,
            Host = settings.Host,
            Port = settings.Port,
            UseTls = settings.UseTls,
            TlsCertificateSha256 = settings.TlsCertificateSha256,
            HasSecret = !reader.IsDBNull(7),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(8),
            UpdatedBy = reader.GetString(9),
        };
        var state = new ExportDeliveryState
        {
            Attempts = reader.GetInt32(10),
            NextAttemptAt = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
            LastError = reader.IsDBNull(12) ? null : reader.GetString(12),
            LastErrorAt = reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
            LastDeliveryAt = reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
            UpdatesStartedAt = reader.GetFieldValue<DateTimeOffset>(15),
        };
        return new LeasedExportDestination
        {
            Destination = destination,
            Secret = reader.IsDBNull(7) ? null : reader.GetString(7),
            State = state,
            NewPosition = new ExportPosition(reader.GetInt64(16), reader.GetInt64(17)),
            UpdatePosition = new ExportPosition(reader.GetInt64(18), reader.GetInt64(19)),
            UpdateTarget = new ExportPosition(reader.GetInt64(20), reader.GetInt64(21)),
            Frequency = (PublishingFrequency)reader.GetInt32(22),
        };
    }

    /// <summary>The kind-specific settings, stored as JSON in <c>export_destinations.settings</c>.</summary>
    private sealed record DestinationSettings
    {
        public string? Url { get; init; }

        public string? Bucket { get; init; }

        public string? Prefix { get; init; }

        public string? Region { get; init; }

        public string? EndpointUrl { get; init; }

        public string? Host { get; init; }

        public int? Port { get; init; }

        public bool UseTls { get; init; }

        public string? TlsCertificateSha256 { get; init; }

        public static DestinationSettings From(ExportDestination destination) => new()
        {
            Url = destination.Url,
            Bucket = destination.Bucket,
            Prefix = destination.Prefix,
            Region = destination.Region,
            EndpointUrl = destination.EndpointUrl,
            Host = destination.Host,
            Port = destination.Port,
            UseTls = destination.UseTls,
            TlsCertificateSha256 = destination.TlsCertificateSha256,
        };
    }
}
