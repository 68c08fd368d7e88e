using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps tenant threat lists in the <c>threat_lists</c> table, one row per tenant and list name.</summary>
public sealed class PostgresThreatListStore : IThreatListStore
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresThreatListStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    /// <summary>Stores the list, replacing an earlier one with the same tenant and name.</summary>
    /// <exception cref="ArgumentException"><see cref="StoredThreatList.Sha256"/> is not the SHA-256 of the content.</exception>
    public async Task SaveAsync(StoredThreatList list, CancellationToken cancellationToken)
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

        await using var command = dataSource.CreateCommand("""
            INSERT INTO threat_lists (tenant_id, name, format, kind, content, sha256, updated_at, updated_by)
            VALUES (@tenant_id, @name, @format, @kind, @content, @sha256, @updated_at, @updated_by)
            ON CONFLICT (tenant_id, name) DO UPDATE SET
                format = excluded.format,
                kind = excluded.kind,
                content = excluded.content,
                sha256 = excluded.sha256,
                updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """);
        command.Parameters.AddWithValue("tenant_id", list.TenantId);
        command.Parameters.AddWithValue("name", list.Name);
        command.Parameters.AddWithValue("format", list.Format);
        command.Parameters.AddWithValue("kind", list.Kind);
        command.Parameters.AddWithValue("content", list.Content);
        command.Parameters.AddWithValue("sha256", list.Sha256);
        command.Parameters.AddWithValue("updated_at", list.UpdatedAt.UtcDateTime);
        command.Parameters.AddWithValue("updated_by", list.UpdatedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Returns the lists of every tenant, ordered by tenant and name, for the silos to compile.</summary>
    public async Task<IReadOnlyList<StoredThreatList>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT tenant_id, name, format, content, sha256, updated_at, updated_by, kind
            FROM threat_lists
            ORDER BY tenant_id, name
            """);
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
            });
        }

        return lists;
    }
}
