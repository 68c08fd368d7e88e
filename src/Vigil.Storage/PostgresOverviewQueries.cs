using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// Aggregates over the <c>findings</c> table for the console's overview and principal pages, and over
/// <c>ingested_objects</c> for the cluster page. Every finding statement filters on the tenant id.
/// </summary>
public sealed class PostgresOverviewQueries : IOverviewQueries, IIngestStatistics
{
    /// <summary>Most rows of a top list or of search results, whatever the caller requests.</summary>
    public const int MaxListSize = 50;

    /// <summary>Shortest and longest search text accepted; shorter text would match nearly every key.</summary>
    public const int MinSearchLength = 3;

    public const int MaxSearchLength = 256;

    // Bands as in GuardDuty: low below 4.0, medium 4.0 to 6.9, high 7.0 to 8.9, critical 9.0 and above.
    private const string TimelineSql = """
        SELECT date_bin(@step, event_last_seen, @from) AS bucket,
               count(*) FILTER (WHERE severity < 4),
               count(*) FILTER (WHERE severity >= 4 AND severity < 7),
               count(*) FILTER (WHERE severity >= 7 AND severity < 9),
               count(*) FILTER (WHERE severity >= 9)
        FROM findings
        WHERE tenant_id = @tenant_id AND NOT archived AND event_last_seen >= @from AND event_last_seen < @to
        GROUP BY bucket
        """;

    private const string RangeFilter = "tenant_id = @tenant_id AND NOT archived AND event_last_seen >= @from AND event_last_seen < @to";

    private const string HasGrainKey = "document #> '{service,additionalInfo}' ?| array['principalKey', 'endpointKey']";

    private const string HasPrincipalKey = "document #> '{service,additionalInfo}' ? 'principalKey'";

    // The same expressions as the indexes of migration 0031, so the planner can use them.
    private const string AccessKeyId = "(document #>> '{resource,accessKeyDetails,accessKeyId}')";

    private const string PrivateIp = "(document #>> '{resource,instanceDetails,networkInterfaces,0,privateIpAddress}')";

    private readonly NpgsqlDataSource dataSource;

    public PostgresOverviewQueries(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<FindingOverview> GetOverviewAsync(string tenantId, OverviewQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        var step = query.Bucket == OverviewBucket.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var from = Floor(query.From, step);
        var bucketCount = BucketCount(from, query.To, step, OverviewQuery.MaxBuckets);
        var top = Math.Clamp(query.TopCount, 1, MaxListSize);

        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(RangeCommand(TimelineSql, tenantId, from, query.To, step));
        batch.BatchCommands.Add(RangeCommand($"""
            SELECT type, count(*), sum(count), max(severity)
            FROM findings WHERE {RangeFilter}
            GROUP BY type ORDER BY count(*) DESC, sum(count) DESC, type LIMIT @top
            """, tenantId, from, query.To, step, top));
        batch.BatchCommands.Add(RangeCommand($"""
            SELECT resource_type, resource_label, count(*), sum(count), max(severity)
            FROM findings WHERE {RangeFilter}
            GROUP BY resource_type, resource_label ORDER BY count(*) DESC, sum(count) DESC, resource_label LIMIT @top
            """, tenantId, from, query.To, step, top));
        batch.BatchCommands.Add(RangeCommand($"""
            SELECT resource_key, account_id, (array_agg(resource_label ORDER BY event_last_seen DESC))[1], count(*), sum(count), max(severity)
            FROM findings WHERE {RangeFilter} AND {HasPrincipalKey}
            GROUP BY resource_key, account_id ORDER BY count(*) DESC, sum(count) DESC, resource_key LIMIT @top
            """, tenantId, from, query.To, step, top));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var counted = new Dictionary<DateTimeOffset, SeverityBucket>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var start = reader.GetFieldValue<DateTimeOffset>(0);
            counted[start] = new SeverityBucket(start, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }

        var timeline = Enumerable.Range(0, bucketCount)
            .Select(index => from + (step * index))
            .Select(start => counted.GetValueOrDefault(start) ?? new SeverityBucket(start, 0, 0, 0, 0))
            .ToList();

        await reader.NextResultAsync(cancellationToken);
        var types = new List<FindingTypeCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            types.Add(new FindingTypeCount(reader.GetString(0), reader.GetInt64(1), ReadSum(reader, 2), reader.GetDouble(3)));
        }

        await reader.NextResultAsync(cancellationToken);
        var resources = new List<ResourceCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            resources.Add(new ResourceCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), ReadSum(reader, 3), reader.GetDouble(4)));
        }

        await reader.NextResultAsync(cancellationToken);
        var principals = new List<PrincipalCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            principals.Add(new PrincipalCount(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), ReadSum(reader, 4), reader.GetDouble(5)));
        }

        return new FindingOverview(timeline, types, resources, principals);
    }

    public async Task<DateTimeOffset?> GetNewestFindingTimeAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var command = dataSource.CreateCommand("SELECT max(event_last_seen) FROM findings WHERE tenant_id = @tenant_id AND NOT archived");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null;
    }

    /// <exception cref="ArgumentException">The text is shorter than <see cref="MinSearchLength"/> or longer than <see cref="MaxSearchLength"/> characters after trimming.</exception>
    public async Task<IReadOnlyList<ProfileSearchHit>> SearchProfilesAsync(string tenantId, string text, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length is < MinSearchLength or > MaxSearchLength)
        {
            throw new ArgumentException($"Search text must have {MinSearchLength} to {MaxSearchLength} characters; it has {trimmed.Length}.", nameof(text));
        }

        await using var command = dataSource.CreateCommand($"""
            SELECT resource_key, account_id, (array_agg(resource_label ORDER BY event_last_seen DESC))[1],
                   count(*), max(severity), max(event_last_seen)
            FROM findings
            WHERE tenant_id = @tenant_id AND {HasGrainKey}
              AND (resource_key ILIKE @contains OR resource_label ILIKE @contains
                   OR {AccessKeyId} LIKE @access_key_prefix
                   OR {PrivateIp} = @text)
            GROUP BY resource_key, account_id
            ORDER BY max(event_last_seen) DESC, resource_key
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("contains", "%" + EscapeLike(trimmed) + "%");
        command.Parameters.AddWithValue("access_key_prefix", EscapeLike(trimmed.ToUpperInvariant()) + "%");
        command.Parameters.AddWithValue("text", trimmed);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, MaxListSize));

        var hits = new List<ProfileSearchHit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            hits.Add(new ProfileSearchHit
            {
                Kind = Contracts.Profiles.ProfileKeys.IsEndpoint(key) ? ProfileKind.Endpoint : ProfileKind.Principal,
                Key = key,
                AccountId = reader.GetString(1),
                Label = reader.GetString(2),
                Findings = reader.GetInt64(3),
                MaxSeverity = reader.GetDouble(4),
                LastSeen = reader.GetFieldValue<DateTimeOffset>(5),
            });
        }

        return hits;
    }

    public async Task<IReadOnlyList<FindingSummary>> ListByResourceKeyAsync(string tenantId, string resourceKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(resourceKey);

        await using var command = dataSource.CreateCommand($"""
            SELECT {PostgresFindingStore.SummaryColumns} FROM findings f
            WHERE f.tenant_id = @tenant_id AND f.resource_key = @resource_key
            ORDER BY f.event_last_seen DESC, f.id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("resource_key", resourceKey);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, MaxListSize));

        var findings = new List<FindingSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            findings.Add(PostgresFindingStore.ReadSummary(reader));
        }

        return findings;
    }

    /// <summary>Counts the ledger's objects per step by finish time, over every tenant.</summary>
    public async Task<IReadOnlyList<IngestRate>> GetThroughputAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, TimeSpan.FromSeconds(1));
        var start = Floor(from, step);
        var bucketCount = BucketCount(start, to, step, OverviewQuery.MaxBuckets);

        await using var command = dataSource.CreateCommand("""
            SELECT date_bin(@step, finished_at, @from) AS bucket, count(*), count(*) FILTER (WHERE error IS NOT NULL),
                   sum(records_read), sum(records_rejected)
            FROM ingested_objects
            WHERE finished_at >= @from AND finished_at < @to
            GROUP BY bucket
            """);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("from", start.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);

        var counted = new Dictionary<DateTimeOffset, IngestRate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var bucket = reader.GetFieldValue<DateTimeOffset>(0);
            counted[bucket] = new IngestRate(bucket, reader.GetInt64(1), reader.GetInt64(2), ReadSum(reader, 3), ReadSum(reader, 4));
        }

        return [.. Enumerable.Range(0, bucketCount)
            .Select(index => start + (step * index))
            .Select(bucket => counted.GetValueOrDefault(bucket) ?? new IngestRate(bucket, 0, 0, 0, 0))];
    }

    /// <summary>Rounds a time down to a whole step since the Unix epoch, so day buckets start at midnight UTC.</summary>
    internal static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (((ticks % step.Ticks) + step.Ticks) % step.Ticks));
    }

    private static int BucketCount(DateTimeOffset from, DateTimeOffset to, TimeSpan step, int max)
    {
        if (to <= from)
        {
            throw new ArgumentException($"The range ends at {to:O}, which is not after its start {from:O}.", nameof(to));
        }

        var count = (long)Math.Ceiling((to - from) / step);
        if (count > max)
        {
            throw new ArgumentException($"The range from {from:O} to {to:O} spans {count} steps of {step}; at most {max} are allowed.", nameof(to));
        }

        return (int)count;
    }

    private static NpgsqlBatchCommand RangeCommand(string sql, string tenantId, DateTimeOffset from, DateTimeOffset to, TimeSpan step, int? top = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("from", from.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);
        if (sql.Contains("@step", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("step", step);
        }

        if (top is { } limit)
        {
            command.Parameters.AddWithValue("top", limit);
        }

        return command;
    }

    // sum(bigint) is numeric in PostgreSQL, and null over no rows.
    private static long ReadSum(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : (long)reader.GetDecimal(ordinal);

    /// <summary>Escapes the LIKE wildcards and the escape character, so the text matches literally.</summary>
    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
