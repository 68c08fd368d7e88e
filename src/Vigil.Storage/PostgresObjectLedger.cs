using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;

namespace Vigil.Storage;

/// <summary>
/// Keeps the outcome of each log object's latest read in the <c>ingested_objects</c> table, and the
/// leases of objects being read in <c>object_leases</c>. The leases this instance holds are renewed
/// in one statement every third of the lease duration until they are recorded or released.
/// </summary>
public sealed partial class PostgresObjectLedger : IObjectLedger, IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly ObjectLeaseOptions leases;
    private readonly ILogger<PostgresObjectLedger> logger;
    private readonly ConcurrentDictionary<(string TenantId, string ObjectKey), DateTimeOffset> held = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock renewalStartLock = new();
    private Task? renewal;
    private int disposed;

    public PostgresObjectLedger(NpgsqlDataSource dataSource, ObjectLeaseOptions? leases = null, ILogger<PostgresObjectLedger>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        this.leases = leases ?? new ObjectLeaseOptions();
        var problems = ObjectLeasePolicy.Validate(this.leases);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(leases));
        }

        this.logger = logger ?? NullLogger<PostgresObjectLedger>.Instance;
    }

    /// <summary>The owner id under which this instance takes leases.</summary>
    public string OwnerId => leases.OwnerId;

    /// <summary>The objects whose lease this instance holds and renews.</summary>
    public IReadOnlyCollection<(string TenantId, string ObjectKey)> HeldLeases => [.. held.Keys];

    /// <summary>
    /// Decides from the tenant's ledger row: a rewritten object (another fingerprint) is read again,
    /// a done one is skipped, and a failed one waits for its next attempt or has given up. When the
    /// row says read, the lease is taken in the same round trip as a second look at the row, so an
    /// object that another reader finished in the meantime is not read again.
    /// </summary>
    public async Task<ObjectReadDecision> DecideAsync(string tenantId, string objectKey, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(objectKey);
        ArgumentNullException.ThrowIfNull(fingerprint);

        var decision = await ReadDecisionAsync(tenantId, objectKey, fingerprint, now, cancellationToken);
        if (decision != ObjectReadDecision.Read)
        {
            return decision;
        }

        // Under READ COMMITTED each statement of the batch takes its own snapshot, so the second
        // one sees a ledger row that the lease's previous holder committed while the first waited.
        await using var batch = dataSource.CreateBatch();
        var acquire = new NpgsqlBatchCommand("""
            INSERT INTO object_leases AS l (tenant_id, object_key, owner_id, acquired_at, expires_at)
            VALUES (@tenant_id, @object_key, @owner_id, now(), now() + make_interval(secs => @duration_seconds))
            ON CONFLICT (tenant_id, object_key) DO UPDATE SET
                owner_id = excluded.owner_id,
                acquired_at = CASE WHEN l.owner_id = excluded.owner_id THEN l.acquired_at ELSE excluded.acquired_at END,
                expires_at = excluded.expires_at
            WHERE l.expires_at <= now() OR l.owner_id = excluded.owner_id
            RETURNING expires_at
            """);
        acquire.Parameters.AddWithValue("tenant_id", tenantId);
        acquire.Parameters.AddWithValue("object_key", objectKey);
        acquire.Parameters.AddWithValue("owner_id", leases.OwnerId);
        acquire.Parameters.AddWithValue("duration_seconds", leases.Duration.TotalSeconds);
        batch.BatchCommands.Add(acquire);
        batch.BatchCommands.Add(SelectRow(tenantId, objectKey));

        DateTimeOffset? expiresAt = null;
        LedgerRow? row = null;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                expiresAt = reader.GetFieldValue<DateTimeOffset>(0);
            }

            await reader.NextResultAsync(cancellationToken);
            row = await ReadRowAsync(reader, cancellationToken);
        }

        if (expiresAt is null)
        {
            return ObjectReadDecision.LeasedByAnother;
        }

        held[(tenantId, objectKey)] = expiresAt.Value;
        decision = row is null ? ObjectReadDecision.Read : row.Decide(fingerprint, now);
        if (decision != ObjectReadDecision.Read)
        {
            await ReleaseAsync(tenantId, objectKey, cancellationToken);
            return decision;
        }

        EnsureRenewalRuns();
        return ObjectReadDecision.Read;
    }

    /// <summary>Deletes this instance's lease on the object, if it still holds it.</summary>
    public async Task ReleaseAsync(string tenantId, string objectKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(objectKey);

        held.TryRemove((tenantId, objectKey), out _);
        await using var command = dataSource.CreateCommand(DeleteLeaseSql);
        AddLeaseKey(command.Parameters, tenantId, objectKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Extends every lease this instance holds by the lease duration from now. A lease that another
    /// reader took over in the meantime is dropped from the held set and logged, because that reader
    /// now reads the object too. Runs on its own timer; tests call it directly.
    /// </summary>
    public async Task RenewHeldLeasesAsync(CancellationToken cancellationToken)
    {
        var keys = held.Keys.ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            UPDATE object_leases AS l SET expires_at = now() + make_interval(secs => @duration_seconds)
            FROM unnest(@tenant_ids, @object_keys) AS k(tenant_id, object_key)
            WHERE l.tenant_id = k.tenant_id AND l.object_key = k.object_key AND l.owner_id = @owner_id
            RETURNING l.tenant_id, l.object_key, l.expires_at
            """);
        command.Parameters.AddWithValue("duration_seconds", leases.Duration.TotalSeconds);
        command.Parameters.AddWithValue("tenant_ids", keys.Select(key => key.TenantId).ToArray());
        command.Parameters.AddWithValue("object_keys", keys.Select(key => key.ObjectKey).ToArray());
        command.Parameters.AddWithValue("owner_id", leases.OwnerId);

        var renewed = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                renewed.Add(key);
                if (held.ContainsKey(key))
                {
                    held[key] = reader.GetFieldValue<DateTimeOffset>(2);
                }
            }
        }

        foreach (var key in keys.Where(key => !renewed.Contains(key)))
        {
            // Taken over after it expired. A lease released meanwhile is no longer in the held set.
            if (held.TryRemove(key, out _))
            {
                LogLeaseLost(logger, LogText.Escape(key.ObjectKey), key.TenantId);
            }
        }
    }

    /// <summary>Deletes leases that expired before <paramref name="before"/>, left by readers that died; returns how many.</summary>
    public async Task<int> PurgeExpiredLeasesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM object_leases WHERE expires_at < @before");
        command.Parameters.AddWithValue("before", before.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stops renewing leases; the leases still held expire. Calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        if (renewal is not null)
        {
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        stopping.Dispose();
    }

    /// <summary>
    /// Records the outcome of a read, replacing the earlier record of the same tenant and object key.
    /// A failure of the same fingerprint as an earlier failure counts one more attempt, and the next
    /// attempt is due after <see cref="ObjectRetryPolicy.DelayAfter"/> of that count. The lease this
    /// instance holds on the object is deleted in the same transaction.
    /// </summary>
    public async Task RecordAsync(ObjectRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.TenantId, nameof(record));

        await using var batch = dataSource.CreateBatch();
        var command = new NpgsqlBatchCommand("""
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
        batch.BatchCommands.Add(command);

        // The outcome and the release commit together (a batch runs in one implicit transaction),
        // so the next holder of the lease always sees the outcome.
        var release = new NpgsqlBatchCommand(DeleteLeaseSql);
        AddLeaseKey(release.Parameters, record.TenantId, record.ObjectKey);
        batch.BatchCommands.Add(release);

        // Stop renewing first, so a renewal that runs meanwhile does not take the deleted lease for one lost.
        held.TryRemove((record.TenantId, record.ObjectKey), out _);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string DeleteLeaseSql =
        "DELETE FROM object_leases WHERE tenant_id = @lease_tenant_id AND object_key = @lease_object_key AND owner_id = @owner_id";

    private void AddLeaseKey(NpgsqlParameterCollection parameters, string tenantId, string objectKey)
    {
        parameters.AddWithValue("lease_tenant_id", tenantId);
        parameters.AddWithValue("lease_object_key", objectKey);
        parameters.AddWithValue("owner_id", leases.OwnerId);
    }

    private async Task<ObjectReadDecision> ReadDecisionAsync(string tenantId, string objectKey, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(SelectRow(tenantId, objectKey));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var row = await ReadRowAsync(reader, cancellationToken);
        return row is null ? ObjectReadDecision.Read : row.Decide(fingerprint, now);
    }

    private static NpgsqlBatchCommand SelectRow(string tenantId, string objectKey)
    {
        var select = new NpgsqlBatchCommand("""
            SELECT fingerprint, error, attempts, next_attempt_at
            FROM ingested_objects
            WHERE tenant_id = @tenant_id AND object_key = @object_key
            """);
        select.Parameters.AddWithValue("tenant_id", tenantId);
        select.Parameters.AddWithValue("object_key", objectKey);
        return select;
    }

    private static async Task<LedgerRow?> ReadRowAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var nextAttemptAt = reader.IsDBNull(3) ? (DateTimeOffset?)null : new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero);
        return new LedgerRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2), nextAttemptAt);
    }

    /// <summary>Starts the renewal loop on the first lease taken; it runs until the ledger is disposed.</summary>
    private void EnsureRenewalRuns()
    {
        lock (renewalStartLock)
        {
            renewal ??= Task.Run(() => RenewPeriodicallyAsync(stopping.Token));
        }
    }

    private async Task RenewPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ObjectLeasePolicy.RenewalInterval(leases.Duration));
        var failures = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await RenewHeldLeasesAsync(cancellationToken);
                if (failures > 0)
                {
                    LogRenewalRecovered(logger, failures);
                    failures = 0;
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                // The leases run out at their expiry unless a later renewal succeeds. Another reader
                // may then take an object over; the grains drop the chunks it sends again.
                failures++;
                if (failures == 1 || failures % 10 == 0)
                {
                    LogRenewalFailed(logger, exception, held.Count, failures);
                }
            }
        }
    }

    private sealed record LedgerRow(string Fingerprint, string? Error, int Attempts, DateTimeOffset? NextAttemptAt)
    {
        public ObjectReadDecision Decide(string fingerprint, DateTimeOffset now) =>
            ObjectRetryPolicy.Decide(Fingerprint, Error, Attempts, NextAttemptAt, fingerprint, now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease of object {ObjectKey} of tenant {TenantId} was taken over by another reader after it expired; both may read it, and the grains drop chunks applied twice")]
    private static partial void LogLeaseLost(ILogger logger, string objectKey, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing {Count} object leases failed ({Failures} times in a row); they expire unless a renewal succeeds first")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, int count, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewing object leases works again after {Failures} failures")]
    private static partial void LogRenewalRecovered(ILogger logger, int failures);
}

