using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps each tenant's detector settings as JSON in the <c>detector_settings</c> table, one row per tenant.</summary>
public sealed class PostgresDetectorSettingsStore : IDetectorSettingsStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly NpgsqlDataSource dataSource;

    public PostgresDetectorSettingsStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<StoredDetectorSettings?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT tenant_id, settings::text, version, updated_at, updated_by FROM detector_settings WHERE tenant_id = @tenant_id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<StoredDetectorSettings>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT tenant_id, settings::text, version, updated_at, updated_by FROM detector_settings ORDER BY tenant_id");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<StoredDetectorSettings?> SaveAsync(
        string tenantId, DetectorSettings settings, int expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(settings);

        // One statement: insert when the tenant has no row and 0 was expected, update when the version matches.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO detector_settings AS current (tenant_id, settings, version, updated_at, updated_by)
            SELECT @tenant_id, @settings, 1, @at, @actor WHERE @expected = 0
            ON CONFLICT (tenant_id) DO UPDATE SET
                settings = excluded.settings, version = current.version + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            WHERE current.version = @expected
            RETURNING version
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.Add(new NpgsqlParameter("settings", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(settings, Json) });
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("expected", expectedVersion);
        if (expectedVersion != 0)
        {
            // INSERT … SELECT … WHERE false inserts nothing, so a version above 0 can only update an existing row.
            command.CommandText = """
                UPDATE detector_settings SET settings = @settings, version = version + 1, updated_at = @at, updated_by = @actor
                WHERE tenant_id = @tenant_id AND version = @expected
                RETURNING version
                """;
        }

        var version = await command.ExecuteScalarAsync(cancellationToken);
        return version is int stored ? new StoredDetectorSettings(tenantId, settings, stored, at, actor) : null;
    }

    private static async Task<IReadOnlyList<StoredDetectorSettings>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredDetectorSettings>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var settings = JsonSerializer.Deserialize<DetectorSettings>(reader.GetString(1), Json) ?? DetectorSettings.Defaults;
            rows.Add(new StoredDetectorSettings(reader.GetString(0), settings, reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
        }

        return rows;
    }
}
