namespace Vigil.Storage;

/// <summary>Lock-out settings of <see cref="PostgresConsoleUserStore"/>.</summary>
public sealed record ConsoleUserStoreOptions
{
    /// <summary>Consecutive failed sign-ins that lock the account. Default 5.</summary>
    public int MaxFailedAttempts { get; init; } = 5;

    /// <summary>How long a locked account rejects every sign-in, even with the right password. Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);
}
