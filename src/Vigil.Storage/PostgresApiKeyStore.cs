using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps API keys in the <c>api_keys</c> table: the SHA-256 of each secret, never the secret.</summary>
public sealed class PostgresApiKeyStore : IApiKeyStore
{
    private const string Columns = "id, tenant_id, name, role, created_at, created_by, expires_at, revoked_at, revoked_by, last_used_at";

    // Writing the last use on every request would turn each API read into a write, so it is refreshed at most this often.
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    private readonly NpgsqlDataSource dataSource;

    public PostgresApiKeyStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys WHERE tenant_id = @tenant_id ORDER BY created_at DESC, id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<ApiKeyInfo?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys WHERE tenant_id = @tenant_id AND id = @id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", id);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task CreateAsync(ApiKeyInfo key, string keySha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(keySha256);
        ArgumentException.ThrowIfNullOrWhiteSpace(key.Name, nameof(key));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Name.Length, ApiKeyInfo.MaxNameLength, nameof(key));
        if (key.Role is not (ConsoleRoles.Analyst or ConsoleRoles.TenantAdmin))
        {
            throw new ArgumentException($"Role '{key.Role}' is invalid for an API key; use {ConsoleRoles.Analyst} or {ConsoleRoles.TenantAdmin}.", nameof(key));
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO api_keys (id, tenant_id, name, role, key_sha256, created_at, created_by, expires_at)
            VALUES (@id, @tenant_id, @name, @role, @key_sha256, @created_at, @created_by, @expires_at)
            """);
        command.Parameters.AddWithValue("id", key.Id);
        command.Parameters.AddWithValue("tenant_id", key.TenantId);
        command.Parameters.AddWithValue("name", key.Name);
        command.Parameters.AddWithValue("role", key.Role);
        command.Parameters.AddWithValue("key_sha256", keySha256);
        command.Parameters.AddWithValue("created_at", key.CreatedAt.ToUniversalTime());
        command.Parameters.AddWithValue("created_by", key.CreatedBy);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("expires_at", key.ExpiresAt?.ToUniversalTime()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ApiKeyInfo?> RevokeAsync(string tenantId, Guid id, string revokedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(revokedBy);
        await using var command = dataSource.CreateCommand($"""
            UPDATE api_keys SET
                revoked_at = coalesce(revoked_at, @at),
                revoked_by = coalesce(revoked_by, @revoked_by)
            WHERE tenant_id = @tenant_id AND id = @id
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("revoked_by", revokedBy);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<ApiKeyInfo?> UseAsync(string keySha256, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keySha256);

        // One statement finds a usable key and refreshes its last use, so a revoked key is never returned.
        await using var command = dataSource.CreateCommand($"""
            UPDATE api_keys SET
                last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < @stale THEN @now ELSE last_used_at END
            WHERE key_sha256 = @key_sha256
              AND revoked_at IS NULL
              AND (expires_at IS NULL OR expires_at > @now)
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("key_sha256", keySha256);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("stale", (now - LastUseResolution).ToUniversalTime());
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<ApiKeyInfo>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var keys = new List<ApiKeyInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyInfo(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return keys;
    }
}
