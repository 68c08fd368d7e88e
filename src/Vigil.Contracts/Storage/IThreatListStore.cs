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

    /// <summary>Returns the tenant's lists ordered by name, without their content (<see cref="StoredThreatList.Content"/> is empty).</summary>
    Task<IReadOnlyList<StoredThreatList>> ListAsync(string tenantId, CancellationToken cancellationToken);

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

    /// <summary>
    /// Returns the lists of every tenant that have a <see cref="StoredThreatList.Source"/>, are not inactive and
    /// are due for a fetch at <paramref name="now"/>, and moves their next fetch to <paramref name="now"/> plus
    /// <paramref name="lease"/>, so that another silo does not fetch them at the same time.
    /// </summary>
    Task<IReadOnlyList<StoredThreatList>> ClaimDueFetchesAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Records a fetch of a list from its source that stored no new content: with a
    /// <paramref name="failureReason"/>, the list goes to error with that reason and keeps its last content;
    /// without one, the content was unchanged, and a list in error goes back to activating. Either way the
    /// next fetch is one refresh interval after <paramref name="at"/>. False when the tenant has no such list.
    /// </summary>
    Task<bool> ReportFetchAsync(string tenantId, string name, string? failureReason, DateTimeOffset at, string actor, CancellationToken cancellationToken);
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

    /// <summary>
    /// The <c>s3://bucket/key</c> URL the list is read from and refreshed from, or null for a list uploaded
    /// as a file. Saving a list without a source removes the source it had.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>How often a list with a <see cref="Source"/> is fetched again; null without a source.</summary>
    public TimeSpan? RefreshInterval { get; init; }

    /// <summary>When the content was last fetched from the source without an error; the store sets it.</summary>
    public DateTimeOffset? FetchedAt { get; init; }

    /// <summary>When the list is next fetched from its source; the store sets it.</summary>
    public DateTimeOffset? NextFetchAt { get; init; }
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
