namespace Vigil.Contracts.Storage;

/// <summary>
/// Tenant threat and trusted lists kept in the database, as uploaded text, with their status, their
/// versions and an audit trail of every change. Every method takes the tenant and touches only its lists.
/// </summary>
public interface IThreatListStore
{
    /// <summary>
    /// Stores the list's content. New content becomes a new version with status activating, or inactive
    /// when <see cref="StoredThreatList.Status"/> is inactive. Content equal to the stored one keeps its version.
    /// </summary>
    Task<ListSaveResult> SaveAsync(StoredThreatList list, CancellationToken cancellationToken);

    /// <summary>Returns the lists of every tenant, ordered by tenant and name, for the silos to compile.</summary>
    Task<IReadOnlyList<StoredThreatList>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Returns one list of the tenant, or null.</summary>
    Task<StoredThreatList?> FindAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Activates (status activating) or deactivates (status inactive) a list; false when the tenant has no such list.</summary>
    Task<bool> SetActiveAsync(string tenantId, string name, bool active, string actor, CancellationToken cancellationToken);

    /// <summary>Deletes a list; its versions and audit trail stay. False when the tenant has no such list.</summary>
    Task<bool> DeleteAsync(string tenantId, string name, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Records how loading a list's content went: an activating (or, after an error, fixed) list becomes
    /// active, or error with the reason. Only the first silo to report a content changes the row, so the
    /// trail gets one entry. Returns true when this call changed the status.
    /// </summary>
    Task<bool> ReportLoadAsync(ListScope scope, string tenantId, string name, string sha256, ListLoadOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Returns the versions of a list, newest first.</summary>
    Task<IReadOnlyList<ListVersion>> LoadVersionsAsync(ListScope scope, string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Returns the audit trail of a list, newest first, at most <paramref name="limit"/> entries.</summary>
    Task<IReadOnlyList<ListAuditEntry>> LoadAuditAsync(ListScope scope, string tenantId, string name, int limit, CancellationToken cancellationToken);
}

/// <summary>One tenant list: its name, format, the uploaded text and its SHA-256.</summary>
public sealed record StoredThreatList
{
    public required string TenantId { get; init; }

    public required string Name { get; init; }

    /// <summary>List format by name: txt, stix, otxcsv, alienvault, proofpoint, fireeye (GuardDuty's names) or csv.</summary>
    public required string Format { get; init; }

    /// <summary>"threat" or "trusted"; a trusted entry wins over every threat entry.</summary>
    public string Kind { get; init; } = "threat";

    public required string Content { get; init; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 content.</summary>
    public required string Sha256 { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }

    /// <summary>One of <see cref="ListStatus"/>. On save, only <see cref="ListStatus.Inactive"/> is taken from here: it stores the list without activating it.</summary>
    public string Status { get; init; } = ListStatus.Activating;

    /// <summary>Why the list is in <see cref="ListStatus.Error"/>, else null.</summary>
    public string? StatusReason { get; init; }

    /// <summary>The version number of the content; the store sets it.</summary>
    public int Version { get; init; }

    /// <summary>Entries loaded from the content, when known (set by the importer or by the first silo that loaded it).</summary>
    public int? EntryCount { get; init; }

    /// <summary>Entries rejected while parsing the content, when known.</summary>
    public int? RejectedCount { get; init; }
}

/// <summary>The status names of a list, as GuardDuty's ThreatIntelSet statuses without the transient deactivating and deleting ones.</summary>
public static class ListStatus
{
    /// <summary>Stored but not used for detection.</summary>
    public const string Inactive = "inactive";

    /// <summary>A new content or an activation that no silo has loaded yet.</summary>
    public const string Activating = "activating";

    /// <summary>Loaded and used for detection.</summary>
    public const string Active = "active";

    /// <summary>Its content could not be loaded, or a platform list could not be fetched; see the reason.</summary>
    public const string Error = "error";
}

/// <summary>Whether a list belongs to a tenant or to the platform.</summary>
public enum ListScope
{
    Tenant,
    Platform,
}

/// <summary>The outcome of saving a list: its version, whether the content changed, and the content it replaced.</summary>
public sealed record ListSaveResult(int Version, bool ContentChanged, string? PreviousContent, string? PreviousStatus);

/// <summary>How loading one content of a list went: the entries loaded and rejected, or why it failed.</summary>
public sealed record ListLoadOutcome(int EntryCount, int RejectedCount, string? ErrorReason)
{
    public bool Succeeded => ErrorReason is null;
}

/// <summary>One stored content of a list.</summary>
public sealed record ListVersion(int Version, string Sha256, int? EntryCount, int? RejectedCount, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>One change to a list: the action (created, updated, activated, a status and so on), the actor, the time and details.</summary>
public sealed record ListAuditEntry(long Id, string Action, string Actor, DateTimeOffset At, string? Detail);
