namespace Vigil.Contracts.Storage;

/// <summary>
/// The rule for object leases. A reader may take an object's lease when nobody holds it, when the
/// holder's lease has expired, or when the reader already holds it. A holder renews its leases every
/// third of the lease duration while it reads, so a lease expires only when its holder stopped
/// renewing, typically because its process died or lost the database.
/// </summary>
public static class ObjectLeasePolicy
{
    /// <summary>Shortest lease duration accepted, so the renewal interval is at least one second.</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromSeconds(3);

    /// <summary>Longest lease duration accepted.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    /// <summary>Longest owner id accepted, in characters.</summary>
    public const int MaxOwnerIdLength = 200;

    /// <summary>Returns whether <paramref name="owner"/> may take a lease now held by <paramref name="holder"/> until <paramref name="expiresAt"/>.</summary>
    public static bool CanAcquire(string? holder, DateTimeOffset? expiresAt, string owner, DateTimeOffset now) =>
        holder is null || expiresAt is null || expiresAt <= now || string.Equals(holder, owner, StringComparison.Ordinal);

    /// <summary>Returns the period between renewals of the leases a reader holds: a third of <paramref name="duration"/>.</summary>
    public static TimeSpan RenewalInterval(TimeSpan duration) => duration / 3;

    /// <summary>Returns the problems with <paramref name="options"/>, each naming the value and the accepted range; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(ObjectLeaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.OwnerId) || options.OwnerId.Length > MaxOwnerIdLength)
        {
            problems.Add($"The lease owner id must have 1 to {MaxOwnerIdLength} characters.");
        }

        if (options.Duration < MinDuration || options.Duration > MaxDuration)
        {
            problems.Add($"The lease duration is {options.Duration.TotalSeconds} s; use {MinDuration.TotalSeconds} to {MaxDuration.TotalSeconds} s.");
        }

        return problems;
    }
}

/// <summary>Who takes object leases and for how long.</summary>
public sealed record ObjectLeaseOptions
{
    /// <summary>Default lease duration: 2 minutes.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The identity of this reader, unique among the readers of one database. A silo uses its silo
    /// address with its generation. The default names the machine and process, plus a random part.
    /// </summary>
    public string OwnerId { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>How long a lease lasts without renewal.</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;
}
