using Npgsql;
using NpgsqlTypes;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Stores findings in the <c>findings</c> table, aggregated per tenant and finding id with the rule
/// of <see cref="FindingAggregation.Merge"/>, and serves the console's list and detail queries.
/// </summary>
public sealed partial class PostgresFindingStore : IFindingSink, IFindingQueries, IFindingTriage
{
    // One statement for the whole batch: the arrays are unnested into rows. On conflict the
    // descriptive columns come from whichever side has the later event_last_seen, preferring the
    // new occurrence on a tie as FindingAggregation.Merge does. archived, suppressed_by,
    // user_feedback and created_at stay. The same statement adds the batch's occurrences to the
    // day of its latest event time and returns the ids it wrote, for the suppression rules.
    private const string UpsertSql = """
        upserted AS (
            INSERT INTO findings AS f (
                tenant_id, id, type, severity, account_id, region, resource_type, resource_key,
                resource_label, title, count, event_first_seen, event_last_seen, created_at, updated_at, document, remote_ip)
            SELECT @tenant_id, o.id, o.type, o.severity, o.account_id, o.region, o.resource_type, o.resource_key,
                   o.resource_label, o.title, o.count, o.event_first_seen, o.event_last_seen, now(), now(), o.document, o.remote_ip
            FROM unnest(
                @ids, @types, @severities, @account_ids, @regions, @resource_types, @resource_keys,
                @resource_labels, @titles, @counts, @first_seen, @last_seen, @documents, @remote_ips)
                AS o(id, type, severity, account_id, region, resource_type, resource_key,
                     resource_label, title, count, event_first_seen, event_last_seen, document, remote_ip)
            /* write-once filter */
            ON CONFLICT (tenant_id, id) DO UPDATE SET
                count = f.count + excluded.count,
                event_first_seen = least(f.event_first_seen, excluded.event_first_seen),
                event_last_seen = greatest(f.event_last_seen, excluded.event_last_seen),
                type = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.type ELSE f.type END,
                severity = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.severity ELSE f.severity END,
                account_id = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.account_id ELSE f.account_id END,
                region = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.region ELSE f.region END,
                resource_type = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.resource_type ELSE f.resource_type END,
                resource_key = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.resource_key ELSE f.resource_key END,
                resource_label = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.resource_label ELSE f.resource_label END,
                title = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.title ELSE f.title END,
                document = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.document ELSE f.document END,
                remote_ip = CASE WHEN excluded.event_last_seen >= f.event_last_seen THEN excluded.remote_ip ELSE f.remote_ip END,
                updated_at = now()
            RETURNING f.id),
        occurrences AS (
            INSERT INTO finding_occurrences AS d (tenant_id, finding_id, day, count)
            SELECT @tenant_id, o.id, (o.event_last_seen AT TIME ZONE 'UTC')::date, o.count
            FROM unnest(@ids, @counts, @last_seen) AS o(id, count, event_last_seen)
            /* write-once filter */
            ON CONFLICT (tenant_id, finding_id, day) DO UPDATE SET count = d.count + excluded.count)
        SELECT id FROM upserted
        """;

    // The write key is claimed in the same statement as the upsert, so both commit or neither does.
    // A concurrent write with the same key waits on the key's unique index and then claims nothing.
    private const string ClaimWriteKeySql = """
        claimed AS (
            INSERT INTO finding_writes (tenant_id, write_key) VALUES (@tenant_id, @write_key)
            ON CONFLICT DO NOTHING
            RETURNING 1),
        """;

    private static readonly string PlainUpsertSql = "WITH " + UpsertSql.Replace("/* write-once filter */", "", StringComparison.Ordinal);

    private static readonly string WriteOnceUpsertSql =
        "WITH " + ClaimWriteKeySql + "\n" + UpsertSql.Replace("/* write-once filter */", "WHERE EXISTS (SELECT 1 FROM claimed)", StringComparison.Ordinal);

    /// <summary>Longest write key accepted, in characters.</summary>
    public const int MaxWriteKeyLength = 200;

    private readonly NpgsqlDataSource dataSource;
    private readonly SuppressionApplier suppression;

    public PostgresFindingStore(NpgsqlDataSource dataSource, SuppressionOptions? suppressionOptions = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        suppression = new SuppressionApplier(suppressionOptions ?? new SuppressionOptions());
    }

    /// <summary>
    /// Upserts the occurrences in one statement. Occurrences that share an id are merged here
    /// first, because one INSERT ... ON CONFLICT cannot change the same row twice.
    /// </summary>
    public Task WriteAsync(string tenantId, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken) =>
        UpsertAsync(tenantId, null, occurrences, cancellationToken);

    /// <summary>
    /// Upserts the occurrences in one statement that also inserts (<paramref name="tenantId"/>,
    /// <paramref name="writeKey"/>) into <c>finding_writes</c>. When the key is already there, the
    /// statement changes nothing.
    /// </summary>
    public Task WriteOnceAsync(string tenantId, string writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(writeKey);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(writeKey.Length, MaxWriteKeyLength, nameof(writeKey));
        return UpsertAsync(tenantId, writeKey, occurrences, cancellationToken);
    }

    /// <summary>Deletes the write keys stored before <paramref name="before"/>; returns how many were deleted.</summary>
    public async Task<int> PurgeWriteKeysAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM finding_writes WHERE written_at < @before");
        command.Parameters.AddWithValue("before", before.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task UpsertAsync(string tenantId, string? writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(occurrences);
        if (occurrences.Count == 0)
        {
            return;
        }

        var merged = MergeById(occurrences);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(writeKey is null ? PlainUpsertSql : WriteOnceUpsertSql, connection, transaction);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        if (writeKey is not null)
        {
            command.Parameters.AddWithValue("write_key", writeKey);
        }

        AddArray(command, "ids", merged, f => f.Id);
        AddArray(command, "types", merged, f => f.Type);
        AddArray(command, "severities", merged, f => f.Severity);
        AddArray(command, "account_ids", merged, f => f.AccountId);
        AddArray(command, "regions", merged, f => f.Region);
        AddArray(command, "resource_types", merged, f => f.Resource.ResourceType);
        AddArray(command, "resource_keys", merged, FindingResourceText.KeyOf);
        AddArray(command, "resource_labels", merged, FindingResourceText.LabelOf);
        AddArray(command, "titles", merged, f => f.Title);
        AddArray(command, "counts", merged, f => f.Service.Count);
        AddArray(command, "first_seen", merged, f => f.Service.EventFirstSeen.UtcDateTime);
        AddArray(command, "last_seen", merged, f => f.Service.EventLastSeen.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter<System.Net.IPAddress?[]>("remote_ips", NpgsqlDbType.Array | NpgsqlDbType.Inet)
        {
            TypedValue = merged.Select(FindingResourceText.RemoteIpOf).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter<string[]>("documents", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            TypedValue = merged.Select(f => FindingJson.Serialize(f)).ToArray(),
        });

        var written = new List<string>(merged.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                written.Add(reader.GetString(0));
            }
        }

        // The tenant's suppression rules archive matching findings in the same transaction, so a
        // suppressed finding is never visible, or exported, as active.
        if (written.Count > 0)
        {
            await suppression.ApplyActiveRulesAsync(connection, transaction, tenantId, [.. written], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Columns that <see cref="ReadStoredFinding"/> reads, in order.</summary>
    internal const string StoredFindingColumns = "document::text, count, event_first_seen, event_last_seen, created_at, updated_at, archived";

    /// <summary>Reads a finding from <see cref="StoredFindingColumns"/> starting at ordinal <paramref name="start"/>.</summary>
    internal static Finding ReadStoredFinding(NpgsqlDataReader reader, int start)
    {
        // The document is the latest occurrence, and the aggregate values live in the columns.
        var document = FindingJson.Deserialize(reader.GetString(start));
        return document with
        {
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(start + 4),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(start + 5),
            Service = document.Service with
            {
                Count = reader.GetInt64(start + 1),
                EventFirstSeen = reader.GetFieldValue<DateTimeOffset>(start + 2),
                EventLastSeen = reader.GetFieldValue<DateTimeOffset>(start + 3),
                Archived = reader.GetBoolean(start + 6),
            },
        };
    }

    private static List<Finding> MergeById(IReadOnlyList<Finding> occurrences)
    {
        var byId = new Dictionary<string, Finding>(StringComparer.Ordinal);
        foreach (var occurrence in occurrences)
        {
            ArgumentNullException.ThrowIfNull(occurrence, nameof(occurrences));
            if (byId.TryGetValue(occurrence.Id, out var existing))
            {
                byId[occurrence.Id] = FindingAggregation.Merge(existing, occurrence);
            }
            else
            {
                byId.Add(occurrence.Id, occurrence);
            }
        }

        // Rows are locked in array order. Sorting by id makes concurrent batches lock shared ids in
        // the same order, so they wait for each other instead of deadlocking.
        return byId.Values.OrderBy(finding => finding.Id, StringComparer.Ordinal).ToList();
    }

    private static void AddArray<T>(NpgsqlCommand command, string name, List<Finding> findings, Func<Finding, T> select) =>
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, findings.Select(select).ToArray()));
}
