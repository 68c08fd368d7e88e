namespace Vigil.Contracts.Storage;

/// <summary>
/// Platform lists: lists the platform operator manages for every tenant, each with a threat purpose and
/// a source (a URL or a file path) fetched on a schedule. Versions and the audit trail are kept as for
/// tenant lists, under <see cref="ListScope.Platform"/> with an empty tenant id.
/// </summary>
public interface IPlatformListStore
{
    /// <summary>
    /// Adds a platform list or changes its definition. The list becomes activating (or inactive when
    /// <paramref name="active"/> is false) and is due for a fetch at once.
    /// </summary>
    Task DefineAsync(PlatformListDefinition definition, bool active, string actor, CancellationToken cancellationToken);

    /// <summary>Returns every platform list, ordered by name.</summary>
    Task<IReadOnlyList<StoredPlatformList>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Returns the active or activating lists (in error too) whose next fetch is due at <paramref name="now"/>,
    /// and moves their next fetch to <paramref name="now"/> plus <paramref name="lease"/>, so that another
    /// silo does not fetch them at the same time.
    /// </summary>
    Task<IReadOnlyList<StoredPlatformList>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Stores fetched content: a new version when it changed, and the next fetch one refresh period after <paramref name="fetchedAt"/>.</summary>
    Task<ListSaveResult> StoreContentAsync(string name, string content, string sha256, int entryCount, int rejectedCount, DateTimeOffset fetchedAt, string actor, CancellationToken cancellationToken);

    /// <summary>Records a failed fetch: status error with the reason, next fetch one refresh period later. Earlier content stays in use.</summary>
    Task ReportFetchFailedAsync(string name, string reason, DateTimeOffset at, string actor, CancellationToken cancellationToken);

    /// <summary>Activates or deactivates a platform list; false when there is no such list.</summary>
    Task<bool> SetActiveAsync(string name, bool active, string actor, CancellationToken cancellationToken);

    /// <summary>Deletes a platform list; its versions and audit trail stay. False when there is no such list.</summary>
    Task<bool> DeleteAsync(string name, string actor, CancellationToken cancellationToken);
}

/// <summary>What the operator sets for a platform list.</summary>
public sealed record PlatformListDefinition
{
    public required string Name { get; init; }

    /// <summary>The threat purpose name, such as tor, scanner or command-and-control.</summary>
    public required string Purpose { get; init; }

    /// <summary>List format by name, as for tenant lists (csv:COLUMN for a CSV column).</summary>
    public required string Format { get; init; }

    /// <summary>An http or https URL, a file URL or an absolute file path.</summary>
    public required string Source { get; init; }

    public required TimeSpan RefreshInterval { get; init; }
}

/// <summary>A platform list as stored: its definition, status, current content and fetch times.</summary>
public sealed record StoredPlatformList
{
    public required PlatformListDefinition Definition { get; init; }

    public required string Status { get; init; }

    public string? StatusReason { get; init; }

    /// <summary>The content of the last successful fetch, or null before the first one.</summary>
    public string? Content { get; init; }

    public string? Sha256 { get; init; }

    /// <summary>0 before the first successful fetch.</summary>
    public int Version { get; init; }

    public int? EntryCount { get; init; }

    public int? RejectedCount { get; init; }

    public DateTimeOffset? FetchedAt { get; init; }

    public required DateTimeOffset NextFetchAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }
}
