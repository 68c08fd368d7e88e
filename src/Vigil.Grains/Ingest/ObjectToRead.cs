using Vigil.Contracts.Storage;
using Vigil.Ingestion.Objects;

namespace Vigil.Grains.Ingest;

/// <summary>
/// A log object to read: its ledger key (a file path, full or relative to a folder, or
/// <c>s3://bucket/key</c>), its fingerprint, and how to open its content. The fingerprint (size and
/// modification time for files, size and ETag for S3 objects) distinguishes a rewritten object.
/// </summary>
public sealed record ObjectToRead(string Key, string Fingerprint, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    /// <summary>A file found in a folder, opened for sequential reading.</summary>
    public static ObjectToRead FromFile(LogObject logObject)
    {
        ArgumentNullException.ThrowIfNull(logObject);
        return new ObjectToRead(logObject.Key, logObject.Fingerprint, _ => Task.FromResult<Stream>(new FileStream(
            logObject.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan)));
    }
}

/// <summary>
/// Whose records an object holds: the tenant, and the AWS accounts registered to the tenant for the
/// source. Records of other accounts are rejected and counted. Null accounts accept every account.
/// </summary>
public sealed record IngestTarget(string TenantId, IReadOnlySet<string>? AccountIds)
{
    /// <summary>Every account's records go to the tenant (the command line, and sources that list no account).</summary>
    public static IngestTarget AnyAccount(string tenantId) => new(tenantId, null);

    /// <summary>Only the records of <paramref name="accountIds"/> go to the tenant.</summary>
    public static IngestTarget ForAccounts(string tenantId, IEnumerable<string> accountIds) =>
        new(tenantId, accountIds.ToHashSet(StringComparer.Ordinal));
}

/// <summary>The ledger record of one read, with the newest event time and the records of unregistered accounts.</summary>
public sealed record ObjectIngestResult(ObjectRecord Record, DateTimeOffset? NewestEventTime, long RecordsFromUnregisteredAccounts)
{
    /// <summary>What this read adds to the counters of the tenant's source <paramref name="sourceId"/>.</summary>
    public SourceProgress ToProgress(string tenantId, Guid sourceId) => new()
    {
        TenantId = tenantId,
        SourceId = sourceId,
        ObjectsRead = 1,
        ObjectsFailed = Record.Error is null ? 0 : 1,
        RecordsRead = Record.RecordsRead,
        RecordsRejected = Record.RecordsRejected,
        RecordsFromUnregisteredAccounts = RecordsFromUnregisteredAccounts,
        NewestEventTime = NewestEventTime,
        Error = Record.Error,
        At = Record.FinishedAt,
    };
}
