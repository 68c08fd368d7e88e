using System.Globalization;
using Npgsql;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>The console's list and detail queries: criteria, keyset paging and the overlay of the aggregate columns.</summary>
public sealed partial class PostgresFindingStore
{
    /// <summary>The maximum page size of <see cref="ListAsync"/>, whatever limit the query requests.</summary>
    public const int MaxPageSize = FindingListQuery.MaxLimit;

    /// <summary>Seconds a list, count or group query may run before it is cancelled, so no criterion can stall the service.</summary>
    public const int QueryTimeoutSeconds = 30;

    internal const string SummaryColumns =
        "f.id, f.type, f.severity, f.resource_type, f.resource_label, f.account_id, f.region, f.count, f.event_first_seen, " +
        "f.event_last_seen, f.title, f.archived, f.user_feedback, f.suppressed_by, f.updated_at";

    public async Task<FindingPage> ListAsync(string tenantId, FindingListQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);

        var criteria = FindingCriteriaValidator.ValidateOrThrow(query.Criteria);
        var cursor = DecodeCursor(query);
        var column = SortColumn(query.SortBy);
        var direction = query.Descending ? "DESC" : "ASC";
        var limit = Math.Clamp(query.Limit, 1, MaxPageSize);

        var parameters = new SqlParameterList();
        var filter = Filter(tenantId, criteria, query.IncludeArchived, parameters);
        var keyset = cursor is null
            ? "TRUE"
            : $"(f.{column}, f.id) {(query.Descending ? "<" : ">")} ({CursorValue(query.SortBy, cursor.Value, parameters)}, {parameters.Add(cursor.Id)})";

        // Both statements go in one round trip. Under READ COMMITTED each takes its own snapshot, so
        // a write between them can make the count differ from the page by that write.
        // With document equality criteria the matches come from the GIN index first (a materialised
        // CTE is planned without the LIMIT), and only they are sorted.
        var filterFirst = FindingCriteriaSql.UsesDocumentIndex(criteria);
        var countSql = filterFirst
            ? $"WITH m AS MATERIALIZED (SELECT 1 FROM findings f WHERE {filter}) SELECT count(*) FROM (SELECT 1 FROM m LIMIT {FindingPage.MatchCountLimit + 1}) AS matching"
            : $"SELECT count(*) FROM (SELECT 1 FROM findings f WHERE {filter} LIMIT {FindingPage.MatchCountLimit + 1}) AS matching";
        var pageSql = filterFirst
            ? $"WITH f AS MATERIALIZED (SELECT {SummaryColumns} FROM findings f WHERE {filter} AND {keyset}) SELECT * FROM f ORDER BY f.{column} {direction}, f.id {direction} LIMIT {limit + 1}"
            : $"SELECT {SummaryColumns} FROM findings f WHERE {filter} AND {keyset} ORDER BY f.{column} {direction}, f.id {direction} LIMIT {limit + 1}";

        await using var batch = dataSource.CreateBatch();
        batch.Timeout = QueryTimeoutSeconds;
        var count = new NpgsqlBatchCommand(countSql);
        parameters.CopyTo(count.Parameters);
        batch.BatchCommands.Add(count);

        var page = new NpgsqlBatchCommand(pageSql);
        parameters.CopyTo(page.Parameters);
        batch.BatchCommands.Add(page);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var matchCount = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);

        var items = new List<FindingSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadSummary(reader));
        }

        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = new FindingCursor(query.SortBy, query.Descending, SortValue(query.SortBy, last), last.Id).Encode();
        }

        var capped = matchCount > FindingPage.MatchCountLimit;
        return new FindingPage(items, next, Math.Min(matchCount, FindingPage.MatchCountLimit), capped);
    }

    public async Task<Finding?> GetAsync(string tenantId, string findingId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingId);

        await using var command = dataSource.CreateCommand("""
            SELECT document::text, count, event_first_seen, event_last_seen, created_at, updated_at, archived, user_feedback
            FROM findings
            WHERE tenant_id = @tenant_id AND id = @id
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", findingId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadFinding(reader) : null;
    }

    /// <summary>Sets the archived flag of one of the tenant's findings; new occurrences keep it. Unarchiving clears suppressed_by.</summary>
    public async Task<bool> SetArchivedAsync(string tenantId, string findingId, bool archived, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(findingId);

        await using var command = dataSource.CreateCommand("""
            UPDATE findings SET archived = @archived, suppressed_by = CASE WHEN @archived THEN suppressed_by END, updated_at = now()
            WHERE tenant_id = @tenant_id AND id = @id
            """);
        command.Parameters.AddWithValue("archived", archived);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("id", findingId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The tenant condition, the archived switch and the criteria, as one SQL condition on alias <c>f</c>.</summary>
    internal static string Filter(string tenantId, IReadOnlyList<ValidatedCriterion> criteria, bool includeArchived, SqlParameterList parameters)
    {
        var tenant = "f.tenant_id = " + parameters.Add(tenantId);
        var archived = includeArchived ? string.Empty : " AND NOT f.archived";
        return $"{tenant}{archived} AND {FindingCriteriaSql.Compile(criteria, parameters)}";
    }

    // The document is the latest occurrence, and the aggregate values live in the columns.
    // Columns: document, count, first seen, last seen, created, updated, archived, feedback.
    internal static Finding ReadFinding(NpgsqlDataReader reader)
    {
        var document = FindingJson.Deserialize(reader.GetString(0));
        return document with
        {
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(4),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(5),
            Service = document.Service with
            {
                Count = reader.GetInt64(1),
                EventFirstSeen = reader.GetFieldValue<DateTimeOffset>(2),
                EventLastSeen = reader.GetFieldValue<DateTimeOffset>(3),
                Archived = reader.GetBoolean(6),
                UserFeedback = reader.IsDBNull(7) ? null : reader.GetString(7),
            },
        };
    }

    private static FindingCursor? DecodeCursor(FindingListQuery query)
    {
        if (query.After is null)
        {
            return null;
        }

        if (!FindingCursor.TryDecode(query.After, out var cursor))
        {
            throw new ArgumentException("The page cursor is not one this service produced; start again from the first page.", nameof(query));
        }

        if (cursor.SortBy != query.SortBy || cursor.Descending != query.Descending)
        {
            throw new ArgumentException("The page cursor belongs to another sort order; start again from the first page.", nameof(query));
        }

        return cursor;
    }

    private static string CursorValue(FindingSortField field, string value, SqlParameterList parameters)
    {
        try
        {
            return field switch
            {
                FindingSortField.LastSeen or FindingSortField.FirstSeen =>
                    parameters.Add(DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)),
                FindingSortField.Severity => parameters.Add(double.Parse(value, CultureInfo.InvariantCulture)),
                FindingSortField.Count => parameters.Add(long.Parse(value, CultureInfo.InvariantCulture)),
                _ => parameters.Add(value),
            };
        }
        catch (FormatException exception)
        {
            throw new ArgumentException("The page cursor is damaged; start again from the first page.", nameof(value), exception);
        }
    }

    private static string SortValue(FindingSortField field, FindingSummary row) => field switch
    {
        FindingSortField.LastSeen => FindingCriteriaSql.FormatCursorValue(row.EventLastSeen),
        FindingSortField.FirstSeen => FindingCriteriaSql.FormatCursorValue(row.EventFirstSeen),
        FindingSortField.Severity => FindingCriteriaSql.FormatCursorValue(row.Severity),
        FindingSortField.Count => FindingCriteriaSql.FormatCursorValue(row.Count),
        FindingSortField.Type => row.Type,
        FindingSortField.AccountId => row.AccountId,
        FindingSortField.Resource => row.Resource,
        FindingSortField.Region => row.Region,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown finding sort field."),
    };

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

    internal static FindingSummary ReadSummary(NpgsqlDataReader reader) => new()
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
        UserFeedback = reader.IsDBNull(12) ? null : reader.GetString(12),
        SuppressedBy = reader.IsDBNull(13) ? null : reader.GetGuid(13),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(14),
    };
}
