using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Keeps the digest validation state of each source in <c>trail_integrity_state</c> and the problems
/// already raised in <c>trail_integrity_problems</c>. Every statement filters on the tenant id.
/// </summary>
public sealed class PostgresTrailIntegrityStore : ITrailIntegrityStore
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresTrailIntegrityStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<TrailIntegrityState?> TryLeaseAsync(string tenantId, Guid sourceId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(owner);

        // The update runs only when the lease is free, expired or already the owner's, so two silos never both get it.
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO trail_integrity_state (tenant_id, source_id, lease_owner, lease_until)
            VALUES (@tenant_id, @source_id, @owner, @lease_until)
            ON CONFLICT (tenant_id, source_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
            WHERE trail_integrity_state.lease_until IS NULL
               OR trail_integrity_state.lease_until <= @now
               OR trail_integrity_state.lease_owner = excluded.lease_owner
            RETURNING {StateColumns}
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("source_id", sourceId);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("lease_until", leaseUntil.UtcDateTime);
        var states = await ReadStatesAsync(command, cancellationToken);
        return states.Count == 0 ? null : states[0];
    }

    public async Task SaveCheckAsync(TrailIntegrityCheck check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        // The details are written only when the state was, that is while the owner held the lease.
        await using var command = dataSource.CreateCommand("""
            WITH updated AS (
            UPDATE trail_integrity_state SET
                newest_digest_end = COALESCE(@newest_digest_end, newest_digest_end),
                last_checked_at = @checked_at,
                last_error = @error,
                digests_valid = @digests_valid,
                digests_invalid = @digests_invalid,
                log_files_valid = @log_files_valid,
                log_files_invalid = @log_files_invalid,
                lease_owner = NULL,
                lease_until = NULL
            WHERE tenant_id = @tenant_id AND source_id = @source_id AND lease_owner = @owner
            RETURNING 1)
            INSERT INTO trail_integrity_details AS d (tenant_id, source_id, newest_digest_key, chain_breaks)
            SELECT @tenant_id, @source_id, @newest_digest_key, @chain_breaks
            WHERE EXISTS (SELECT 1 FROM updated)
            ON CONFLICT (tenant_id, source_id) DO UPDATE SET
                newest_digest_key = COALESCE(excluded.newest_digest_key, d.newest_digest_key),
                chain_breaks = excluded.chain_breaks
            """);
        command.Parameters.AddWithValue("tenant_id", check.TenantId);
        command.Parameters.AddWithValue("source_id", check.SourceId);
        command.Parameters.AddWithValue("owner", check.Owner);
        command.Parameters.AddWithValue("newest_digest_end", check.NewestDigestEnd is { } end ? end.UtcDateTime : DBNull.Value);
        command.Parameters.AddWithValue("checked_at", check.CheckedAt.UtcDateTime);
        command.Parameters.AddWithValue("error", (object?)check.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("digests_valid", check.DigestsValid);
        command.Parameters.AddWithValue("digests_invalid", check.DigestsInvalid);
        command.Parameters.AddWithValue("log_files_valid", check.LogFilesValid);
        command.Parameters.AddWithValue("log_files_invalid", check.LogFilesInvalid);
        command.Parameters.Add(new NpgsqlParameter<string?>("newest_digest_key", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = check.NewestDigestKey });
        command.Parameters.AddWithValue("chain_breaks", check.ChainBreaks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlySet<string>> AddNewProblemsAsync(string tenantId, Guid sourceId, IReadOnlyCollection<string> problems, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(problems);
        var added = new HashSet<string>(StringComparer.Ordinal);
        if (problems.Count == 0)
        {
            return added;
        }

        var byHash = problems.Distinct(StringComparer.Ordinal).ToDictionary(HashOf, StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO trail_integrity_problems (tenant_id, source_id, problem_sha256, problem, first_seen_at)
            SELECT @tenant_id, @source_id, hash, text, @at FROM unnest(@hashes, @texts) AS problem(hash, text)
            ON CONFLICT DO NOTHING
            RETURNING problem_sha256
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("source_id", sourceId);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("hashes", byHash.Keys.ToArray());
        command.Parameters.AddWithValue("texts", byHash.Values.Select(text => text.Length <= TrailIntegrityCheck.MaxProblemLength ? text : null).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            added.Add(byHash[reader.GetString(0)]);
        }

        return added;
    }

    public async Task RemoveProblemsAsync(string tenantId, Guid sourceId, IReadOnlyCollection<string> problems, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(problems);
        await using var command = dataSource.CreateCommand(
            "DELETE FROM trail_integrity_problems WHERE tenant_id = @tenant_id AND source_id = @source_id AND problem_sha256 = ANY(@hashes)");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("source_id", sourceId);
        command.Parameters.AddWithValue("hashes", problems.Select(HashOf).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TrailIntegrityState>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {StateColumns} FROM trail_integrity_state WHERE tenant_id = @tenant_id ORDER BY source_id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return await ReadStatesAsync(command, cancellationToken);
    }

    private const string StateColumns = """
        tenant_id, source_id, newest_digest_end, last_checked_at, last_error, digests_valid, digests_invalid, log_files_valid, log_files_invalid,
        (SELECT count(*) FROM trail_integrity_problems p WHERE p.tenant_id = trail_integrity_state.tenant_id AND p.source_id = trail_integrity_state.source_id),
        (SELECT d.newest_digest_key FROM trail_integrity_details d WHERE d.tenant_id = trail_integrity_state.tenant_id AND d.source_id = trail_integrity_state.source_id),
        COALESCE((SELECT d.chain_breaks FROM trail_integrity_details d WHERE d.tenant_id = trail_integrity_state.tenant_id AND d.source_id = trail_integrity_state.source_id), 0)
        """;

    private static string HashOf(string problem) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(problem)));

    private static async Task<IReadOnlyList<TrailIntegrityState>> ReadStatesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var states = new List<TrailIntegrityState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(new TrailIntegrityState
            {
                TenantId = reader.GetString(0),
                SourceId = reader.GetGuid(1),
                NewestDigestEnd = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                LastCheckedAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                LastError = reader.IsDBNull(4) ? null : reader.GetString(4),
                DigestsValid = reader.GetInt32(5),
                DigestsInvalid = reader.GetInt32(6),
                LogFilesValid = reader.GetInt32(7),
                LogFilesInvalid = reader.GetInt32(8),
                ProblemsRaised = reader.GetInt64(9),
                NewestDigestKey = reader.IsDBNull(10) ? null : reader.GetString(10),
                ChainBreaks = reader.GetInt32(11),
            });
        }

        return states;
    }
}
