using Vigil.Contracts.Findings;

namespace Vigil.Contracts.Storage;

/// <summary>
/// The export side of the finding store. Every finding write of a tenant with a destination adds
/// an outbox row in the same transaction, and each destination keeps two positions in the outbox:
/// one for new findings, sent at once, and one for updates, sent in batches at the tenant's
/// publishing frequency. A position moves only after the destination accepted the findings or
/// they were written as dead letters, so a destination that is down or a silo that restarts loses
/// nothing.
/// </summary>
public interface IExportOutbox
{
    /// <summary>
    /// Takes or renews the lease of every enabled destination that no other owner holds at
    /// <paramref name="now"/>, until <paramref name="now"/> plus <paramref name="duration"/>, and
    /// returns them with their secrets.
    /// </summary>
    Task<IReadOnlyList<LeasedExportDestination>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a batch of updates that covers every outbox row committed so far, and returns the
    /// destination as it is now; returns null when <paramref name="owner"/> no longer holds the lease.
    /// </summary>
    Task<LeasedExportDestination?> StartUpdateBatchAsync(Guid destinationId, string owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Reads up to <paramref name="limit"/> outbox rows after the destination's position in
    /// <paramref name="stream"/>, each with the finding as stored now. Update rows are read only up
    /// to the running batch's end.
    /// </summary>
    Task<ExportPage> ReadAsync(LeasedExportDestination destination, ExportStream stream, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the destination's position in <paramref name="stream"/> to <paramref name="position"/>,
    /// records the finding versions sent, writes the dead letters and clears the failure state, in
    /// one transaction. Returns false and changes nothing when <paramref name="owner"/> no longer
    /// holds the lease.
    /// </summary>
    Task<bool> CompleteAsync(ExportCompletion completion, string owner, CancellationToken cancellationToken);

    /// <summary>Records a failed try of the current batch and when the next one is due.</summary>
    Task RecordFailureAsync(Guid destinationId, string owner, int attempts, DateTimeOffset nextAttemptAt, string error, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the outbox rows that every destination of their tenant has passed; returns how many.</summary>
    Task<int> PruneAsync(CancellationToken cancellationToken);
}

/// <summary>The two outbox positions of a destination.</summary>
public enum ExportStream
{
    /// <summary>Rows of findings that were created.</summary>
    New,

    /// <summary>Rows of findings that were updated.</summary>
    Updates,
}

/// <summary>A place in the outbox: the writing transaction's id, then the row id.</summary>
public readonly record struct ExportPosition(long Transaction, long Id) : IComparable<ExportPosition>
{
    public int CompareTo(ExportPosition other) => Transaction != other.Transaction ? Transaction.CompareTo(other.Transaction) : Id.CompareTo(other.Id);

    public static bool operator <(ExportPosition left, ExportPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(ExportPosition left, ExportPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(ExportPosition left, ExportPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ExportPosition left, ExportPosition right) => left.CompareTo(right) >= 0;
}

/// <summary>A destination leased by one sender, with its secret, the tenant's frequency and its positions.</summary>
public sealed record LeasedExportDestination
{
    public required ExportDestination Destination { get; init; }

    /// <summary>The webhook's HMAC key; null for other kinds.</summary>
    public string? Secret { get; init; }

    public required ExportDeliveryState State { get; init; }

    public required PublishingFrequency Frequency { get; init; }

    public required ExportPosition NewPosition { get; init; }

    public required ExportPosition UpdatePosition { get; init; }

    /// <summary>The end of the running batch of updates; equal to <see cref="UpdatePosition"/> when none runs.</summary>
    public required ExportPosition UpdateTarget { get; init; }
}

/// <summary>Outbox rows read for one destination, and the position after them.</summary>
public sealed record ExportPage(IReadOnlyList<ExportItem> Items, ExportPosition End);

/// <summary>
/// One outbox row: the finding as stored now (null when it no longer exists), whether a suppression
/// rule archived it (<c>findings.suppressed_by</c> is set), and the version last sent to this destination.
/// </summary>
public sealed record ExportItem(ExportPosition Position, string FindingId, Finding? Finding, bool Suppressed, DateTimeOffset? SentVersion);

/// <summary>What one delivery did: the new position, the versions sent and the dead letters.</summary>
public sealed record ExportCompletion
{
    public required Guid DestinationId { get; init; }

    public required ExportStream Stream { get; init; }

    public required ExportPosition Position { get; init; }

    public IReadOnlyList<(string FindingId, DateTimeOffset UpdatedAt)> Sent { get; init; } = [];

    public IReadOnlyList<ExportDeadLetter> DeadLetters { get; init; } = [];

    public required DateTimeOffset At { get; init; }
}
