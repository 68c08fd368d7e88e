using Npgsql;
using NpgsqlTypes;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Stores findings in the <c>findings</c> table, aggregated per tenant and finding id with the rule
/// of <see cref="FindingAggregation.Merge"/>, and serves the console's list and detail queries.
/// </summary>
public sealed class PostgresFindingStore : IFindingSink, IFindingQueries
{
    /// <summary>The maximum page size of <see cref="ListAsync"/>, whatever limit the query requests.</summary>
    public const int MaxPageSize = 500;

    // One statement for the whole batch: the arrays are unnested into rows. On conflict the
    // descriptive columns come from whichever side has the later event_last_seen, preferring the
    // new occurrence on a tie as FindingAggregation.Merge does. archived and created_at stay.
    private const string UpsertSql = """
        INSERT INTO findings AS f (
            tenant_id, id, type, severity, account_id, region, resource_type, resource_key,
            resource_label, title, count, event_first_seen, event_last_seen, created_at, updated_at, document)
        SELECT @tenant_id, o.id, o.type, o.severity, o.account_id, o.region, o.resource_type, o.resource_key,
               o.resource_label, o.title, o.count, o.event_first_seen, o.event_last_seen, now(), now(), o.document
        FROM unnest(
            @ids, @types, @severities, @account_ids, @regions, @resource_types, @resource_keys,
            @resource_labels, @titles, @counts, @first_seen, @last_seen, @documents)
            AS o(id, type, severity, account_id, region, resource_type, resource_key,
                 resource_label, title, count, event_first_seen, event_last_seen, document)
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
            updated_at = now()
        """;

    // The write key is claimed in the same statement as the upsert, so both commit or neither does.
    // A concurrent write with the same key waits on the key's unique index and then claims nothing.
    private const string ClaimWriteKeySql = """
        WITH claimed AS (
            INSERT INTO finding_writes (tenant_id, write_key) VALUES (@tenant_id, @write_key)
            ON CONFLICT DO NOTHING
            RETURNING 1)
        """;

    private static readonly string PlainUpsertSql = UpsertSql.Replace("/* write-once filter */", "", StringComparison.Ordinal);

    private static readonly string WriteOnceUpsertSql =
        ClaimWriteKeySql + "\n" + UpsertSql.Replace("/* write-once filter */", "WHERE EXISTS (SELECT 1 FROM claimed)", StringComparison.Ordinal);

    /// <summary>Longest write key accepted, in characters.</summary>
    public const int MaxWriteKeyLength = 200;

    private const string SummaryColumns =
        "id, type, severity, resource_type, resource_label, account_id, region, count, event_first_seen, event_last_seen, title, archived";

    private readonly NpgsqlDataSource dataSource;

    public PostgresFindingStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
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
        await using var command = dataSource.CreateCommand(writeKey is null ? PlainUpsertSql : WriteOnceUpsertSql);
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
        command.Parameters.Add(new NpgsqlParameter<string[]>("documents", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            TypedValue = merged.Select(f => FindingJson.Serialize(f)).ToArray(),
        });

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<FindingPage> ListAsync(string tenantId, FindingListQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);

        var filter = query.IncludeArchived ? "tenant_id = @tenant_id" : "tenant_id = @tenant_id AND NOT archived";
        var direction = query.Descending ? "DESC" : "ASC";
        var column = SortColumn(query.SortBy);

        // Both statements go in one round trip. Under READ COMMITTED each takes its own snapshot, so
        // a write between them can make the total differ from the page by that write.
        await using var batch = dataSource.CreateBatch();
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM findings WHERE {filter}");
        count.Parameters.AddWithValue("tenant_id", tenantId);
        batch.BatchCommands.Add(count);

        var page = new NpgsqlBatchCommand(
            $"SELECT {SummaryColumns} FROM findings WHERE {filter} ORDER BY {column} {direction}, id {direction} OFFSET @offset LIMIT @limit");
        page.Parameters.AddWithValue("tenant_id", tenantId);
        page.Parameters.AddWithValue("offset", Math.Max(0, query.Offset));
        page.Parameters.AddWithValue("limit", Math.Clamp(query.Limit, 1, MaxPageSize));
        batch.BatchCommands.Add(page);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var totalCount = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);

        var items = new List<FindingSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadSummary(reader));
        }

        return new FindingPage(items, totalCount);
    }

    public async Task<Finding?> GetAsync(string tenantId, string findingId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingId);

        await using var command = dataSource.CreateCommand("""
            SELECT document::text, count, event_first_seen, event_last_seen, created_at, updated_at, archived
            FROM findings
            WHERE tenant_id = @tenant_id AND id = @id
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", findingId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return ReadStoredFinding(reader, 0);
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

    /// <summary>Sets the archived flag of one of the tenant's findings; new occurrences keep it.</summary>
    public async Task<bool> SetArchivedAsync(string tenantId, string findingId, bool archived, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingId);

        await using var command = dataSource.CreateCommand(
            "UPDATE findings SET archived = @archived, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id");
        command.Parameters.AddWithValue("archived", archived);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", findingId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Maps a sort field to its column name. The name is spliced into SQL, so it never comes from input text.</summary>
    private static string SortColumn(FindingSortField field) => field switch
    {
        FindingSortField.LastSeen => "event_last_seen",
        FindingSortField.FirstSeen => "event_first_seen",
        FindingSortField.Severity => "severity",
        FindingSortField.Type => "type",
        FindingSortField.Count => "count",
        FindingSortField.AccountId => "account_id",
        FindingSortField.Resource => "resource_label",
        FindingSortField.Region => "region",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown finding sort field."),
    };

    private static FindingSummary ReadSummary(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Type = reader.GetString(1),
        Severity = reader.GetDouble(2),
        ResourceType = reader.GetString(3),
        Resource = reader.GetString(4),
        AccountId = reader.GetString(5),
        Region = reader.GetString(6),
        Count = reader.GetInt64(7),
        EventFirstSeen = reader.GetFieldValue<DateTimeOffset>(8),
        EventLastSeen = reader.GetFieldValue<DateTimeOffset>(9),
        Title = reader.GetString(10),
        Archived = reader.GetBoolean(11),
    };
}
