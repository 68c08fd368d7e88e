namespace Vigil.Export;

/// <summary>Settings of the <see cref="ExportDispatcher"/>.</summary>
public sealed record ExportDispatcherOptions
{
    /// <summary>The lease owner: unique per silo start, so a restarted silo takes over after the lease expires.</summary>
    public required string OwnerId { get; init; }

    /// <summary>How long a destination's lease lasts without renewal (default 2 minutes).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Outbox rows read per batch (default 100).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Batches sent per destination and stream in one run (default 10).</summary>
    public int MaxPagesPerRun { get; init; } = 10;

    /// <summary>Tries of one batch before its findings become dead letters (default 5).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait before the second try; it doubles before each further try (default 30 seconds).</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between tries (default 15 minutes).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Returns the wait after the given number of failed tries.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var delay = FirstRetryDelay;
        for (var i = 1; i < attempts && delay < MaxRetryDelay; i++)
        {
            delay += delay;
        }

        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}
