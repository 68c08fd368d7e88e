namespace Vigil.Contracts.Storage;

/// <summary>
/// The state of the continuous CloudTrail digest validation of each source: which silo checks it
/// now, how far its digest chains were validated, the outcome of the last check, and the problems
/// already raised as findings. The state survives restarts, so a problem raises one finding even
/// when the host restarts or several silos validate the same source. Every call acts on the given
/// tenant's rows only.
/// </summary>
public interface ITrailIntegrityStore
{
    /// <summary>
    /// Leases the source's next check to <paramref name="owner"/> until <paramref name="leaseUntil"/>
    /// and returns the source's state, or returns null when another owner holds a lease that has not
    /// expired at <paramref name="now"/>. A source never checked before gets an empty state.
    /// </summary>
    Task<TrailIntegrityState?> TryLeaseAsync(string tenantId, Guid sourceId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Stores the outcome of a check and ends the owner's lease.</summary>
    Task SaveCheckAsync(TrailIntegrityCheck check, CancellationToken cancellationToken);

    /// <summary>
    /// Records problems as raised and returns those that were not recorded before for this source,
    /// so exactly one caller raises each. A problem is any text up to <see cref="TrailIntegrityCheck.MaxProblemLength"/> characters.
    /// </summary>
    Task<IReadOnlySet<string>> AddNewProblemsAsync(string tenantId, Guid sourceId, IReadOnlyCollection<string> problems, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Forgets problems recorded by <see cref="AddNewProblemsAsync"/> whose findings could not be stored, so the next check raises them.</summary>
    Task RemoveProblemsAsync(string tenantId, Guid sourceId, IReadOnlyCollection<string> problems, CancellationToken cancellationToken);

    /// <summary>The validation state of the tenant's sources that were checked at least once.</summary>
    Task<IReadOnlyList<TrailIntegrityState>> ListAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>The progress and last outcome of the validation of one source.</summary>
public sealed record TrailIntegrityState
{
    public required string TenantId { get; init; }

    public required Guid SourceId { get; init; }

    /// <summary>End time of the newest digest validated; the next check starts a few hours before it. Null before the first check.</summary>
    public DateTimeOffset? NewestDigestEnd { get; init; }

    /// <summary>Object key of the digest that ends at <see cref="NewestDigestEnd"/>; null before the first check that found one.</summary>
    public string? NewestDigestKey { get; init; }

    public DateTimeOffset? LastCheckedAt { get; init; }

    /// <summary>Why the last check failed, or null when it succeeded.</summary>
    public string? LastError { get; init; }

    public int DigestsValid { get; init; }

    public int DigestsInvalid { get; init; }

    public int LogFilesValid { get; init; }

    public int LogFilesInvalid { get; init; }

    /// <summary>Breaks in the digest chain that the last check found, whether or not a logging change explained them.</summary>
    public int ChainBreaks { get; init; }

    /// <summary>Problems recorded as raised for this source since it was created.</summary>
    public long ProblemsRaised { get; init; }
}

/// <summary>The outcome of one check of one source, as its owner stores it.</summary>
public sealed record TrailIntegrityCheck
{
    /// <summary>Longest problem text stored; a longer one is stored by its SHA-256 alone.</summary>
    public const int MaxProblemLength = 2048;

    public required string TenantId { get; init; }

    public required Guid SourceId { get; init; }

    public required string Owner { get; init; }

    public DateTimeOffset? NewestDigestEnd { get; init; }

    /// <summary>Object key of the digest that ends at <see cref="NewestDigestEnd"/>.</summary>
    public string? NewestDigestKey { get; init; }

    public required DateTimeOffset CheckedAt { get; init; }

    public string? Error { get; init; }

    public int DigestsValid { get; init; }

    public int DigestsInvalid { get; init; }

    public int LogFilesValid { get; init; }

    public int LogFilesInvalid { get; init; }

    public int ChainBreaks { get; init; }
}
