namespace Vigil.Contracts.Storage;

/// <summary>
/// The tenant admins' and platform operators' changes: who changed what, when, and the object before
/// and after the change. Entries are only ever added. Every read takes the tenant it is for, so one
/// tenant never sees another tenant's entries.
/// </summary>
public interface IAuditLog
{
    /// <summary>Adds one entry and returns its id, which grows with every entry.</summary>
    Task<long> WriteAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the tenant's entries newest first, at most <see cref="AuditQuery.Limit"/>, older than
    /// <see cref="AuditQuery.BeforeId"/> when it is set (keyset paging).
    /// </summary>
    Task<IReadOnlyList<AuditRecord>> ListAsync(string tenantId, AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// One change. <see cref="TenantId"/> is the tenant the changed object belongs to, or
/// <see cref="AuditEntry.PlatformTenant"/> for platform-wide objects. <see cref="Before"/> and
/// <see cref="After"/> are JSON documents of the object (null when it did not exist before or no longer
/// exists after); they must not contain secrets.
/// </summary>
public sealed record AuditEntry(
    string TenantId,
    string Actor,
    string Action,
    string ObjectType,
    string ObjectId,
    string? Before,
    string? After,
    DateTimeOffset At)
{
    /// <summary>The tenant id of entries about platform-wide objects such as platform lists.</summary>
    public const string PlatformTenant = "";

    /// <summary>The longest actor, action, object type and object id stored; longer text is refused.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The longest before or after document stored, in characters; longer text is refused.</summary>
    public const int MaxDocumentLength = 256 * 1024;
}

/// <summary>A stored <see cref="AuditEntry"/> with its id.</summary>
public sealed record AuditRecord(long Id, AuditEntry Entry);

/// <summary>Which entries <see cref="IAuditLog.ListAsync"/> returns.</summary>
public sealed record AuditQuery
{
    /// <summary>The most entries one call returns.</summary>
    public const int MaxLimit = 500;

    /// <summary>Only entries with an id below this one; null for the newest.</summary>
    public long? BeforeId { get; init; }

    /// <summary>Only entries about this object type (exact match); null for all.</summary>
    public string? ObjectType { get; init; }

    /// <summary>Only entries about this object id (exact match); null for all.</summary>
    public string? ObjectId { get; init; }

    /// <summary>How many entries to return, from 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;
}
