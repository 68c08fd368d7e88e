namespace Vigil.Contracts.Storage;

/// <summary>
/// The log sources of each tenant (watched folders, S3 buckets, SQS notification queues and
/// Firehose HTTP endpoints), the AWS accounts each one may deliver, and each source's progress.
/// Every call that takes a tenant id acts on that tenant's rows only.
/// </summary>
public interface ISourceStore
{
    /// <summary>The tenant's sources, ordered by name.</summary>
    Task<IReadOnlyList<SourceDefinition>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Every enabled source of every tenant; the source runner polls this.</summary>
    Task<IReadOnlyList<SourceDefinition>> ListEnabledAsync(CancellationToken cancellationToken);

    Task<SourceDefinition?> GetAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken);

    /// <summary>Inserts the source, or updates the tenant's source with the same id.</summary>
    /// <exception cref="SourceConflictException">The tenant already has another source with that name.</exception>
    Task SaveAsync(SourceDefinition source, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant's source and its status; returns false when there was none.</summary>
    Task<bool> DeleteAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken);

    /// <summary>The enabled Firehose source whose access key has this SHA-256 (lower-case hex), of any tenant.</summary>
    Task<SourceDefinition?> FindByAccessKeyHashAsync(string accessKeySha256, CancellationToken cancellationToken);

    /// <summary>Adds the outcome of one object (or one Firehose request) to the source's counters.</summary>
    Task RecordProgressAsync(SourceProgress progress, CancellationToken cancellationToken);

    /// <summary>The counters of the tenant's sources; a source that has read nothing yet has no row.</summary>
    Task<IReadOnlyList<SourceStatus>> ListStatusAsync(string tenantId, CancellationToken cancellationToken);
}

public enum SourceKind
{
    /// <summary>A local folder, in the S3 key layout or flat, scanned and watched.</summary>
    Folder,

    /// <summary>An S3 bucket and prefix, discovered by listing.</summary>
    S3Listing,

    /// <summary>An S3 bucket whose new objects are announced by S3 event notifications in an SQS queue.</summary>
    S3Notifications,

    /// <summary>Records pushed to the HTTP ingest endpoint in the Amazon Data Firehose delivery format.</summary>
    Firehose,

    /// <summary>
    /// The runs of <c>vigil ingest</c> for the tenant, one source per tenant (<see cref="CommandLineSource"/>).
    /// The first run creates it; the host never reads it, and it cannot be created or edited elsewhere.
    /// </summary>
    CommandLine,
}

/// <summary>The source that counts what <c>vigil ingest</c> read for a tenant.</summary>
public static class CommandLineSource
{
    public const string Name = "vigil ingest";

    /// <summary>The source's id, the same for every run of the tenant, so the counters add up across runs.</summary>
    public static Guid IdFor(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("Vigil:CommandLine:Ingest\n" + tenantId));
        return new Guid(hash.AsSpan(0, 16));
    }
}

/// <summary>One log source of a tenant.</summary>
public sealed record SourceDefinition
{
    public required Guid Id { get; init; }

    public required string TenantId { get; init; }

    /// <summary>Name shown in the console; unique within the tenant.</summary>
    public required string Name { get; init; }

    public required SourceKind Kind { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The 12-digit AWS account ids whose records this source may deliver for the tenant. Records
    /// of any other account are counted and rejected, never attributed to the tenant.
    /// </summary>
    public IReadOnlyList<string> AccountIds { get; init; } = [];

    /// <summary>Folder sources: the folder to scan. Command-line sources: the path or S3 URL the last run read.</summary>
    public string? Folder { get; init; }

    /// <summary>S3 sources: bucket name.</summary>
    public string? Bucket { get; init; }

    /// <summary>S3 sources: key prefix to read below (empty for the whole bucket).</summary>
    public string? Prefix { get; init; }

    /// <summary>S3 and SQS sources: AWS region; the standard AWS configuration applies when empty.</summary>
    public string? Region { get; init; }

    /// <summary>S3 and SQS sources: custom endpoint of an S3-compatible store (path-style addressing).</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>S3 notification sources: URL of the SQS queue that receives the bucket's event notifications.</summary>
    public string? QueueUrl { get; init; }

    /// <summary>Firehose sources: lower-case hex SHA-256 of the access key; the key itself is never stored.</summary>
    public string? AccessKeySha256 { get; init; }

    /// <summary>
    /// Firehose sources: the field order of the VPC flow log lines they carry, as in the flow log's
    /// format string (<c>${version} ${account-id} ...</c>) or as space-separated field names. Lines
    /// that reach Firehose through CloudWatch Logs have no header line. Null or empty means the AWS
    /// default version 2 format.
    /// </summary>
    public string? FlowLogFormat { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }
}

/// <summary>What one read added to a source's counters.</summary>
public sealed record SourceProgress
{
    public required string TenantId { get; init; }

    public required Guid SourceId { get; init; }

    public long ObjectsRead { get; init; }

    public long ObjectsFailed { get; init; }

    public long RecordsRead { get; init; }

    public long RecordsRejected { get; init; }

    /// <summary>Records from accounts not registered to the source; also counted in <see cref="RecordsRejected"/>.</summary>
    public long RecordsFromUnregisteredAccounts { get; init; }

    /// <summary>Event time of the newest record read.</summary>
    public DateTimeOffset? NewestEventTime { get; init; }

    /// <summary>Null when the read succeeded; otherwise the reason it failed.</summary>
    public string? Error { get; init; }

    public required DateTimeOffset At { get; init; }
}

/// <summary>A source's counters since it was created.</summary>
public sealed record SourceStatus
{
    public required Guid SourceId { get; init; }

    public required long ObjectsRead { get; init; }

    public required long ObjectsFailed { get; init; }

    public required long RecordsRead { get; init; }

    public required long RecordsRejected { get; init; }

    public required long RecordsFromUnregisteredAccounts { get; init; }

    public DateTimeOffset? LastReadAt { get; init; }

    public DateTimeOffset? NewestEventTime { get; init; }

    /// <summary>Processing time minus event time of the newest record, at the last read.</summary>
    public TimeSpan? Lag { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }
}

/// <summary>Raised when a tenant's source name is already taken by another of its sources.</summary>
public sealed class SourceConflictException(string message) : Exception(message);
