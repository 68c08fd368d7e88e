namespace Vigil.Contracts.Storage;

/// <summary>Local console accounts: salted, slow password hashes and lock-out after repeated failures.</summary>
public interface IConsoleUserStore
{
    /// <summary>Checks a password. Returns the user on success; counts failures and locks the account after too many.</summary>
    Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Creates the user unless one with that name exists. Returns true when it was created.</summary>
    Task<bool> CreateIfMissingAsync(string userName, string password, string tenantId, string role, CancellationToken cancellationToken);

    Task<bool> AnyUserAsync(CancellationToken cancellationToken);

    /// <summary>The tenant's users, ordered by name.</summary>
    Task<IReadOnlyList<ConsoleUserInfo>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>The tenant's user with this name (compared without case), or null.</summary>
    Task<ConsoleUserInfo?> GetAsync(string tenantId, string userName, CancellationToken cancellationToken);

    /// <summary>Gives the tenant's user another role; returns the user after the change, or null when the tenant has no such user.</summary>
    Task<ConsoleUserInfo?> SetRoleAsync(string tenantId, string userName, string role, CancellationToken cancellationToken);

    /// <summary>Disables or enables the tenant's user; a disabled user cannot sign in. Returns the user after the change, or null.</summary>
    Task<ConsoleUserInfo?> SetDisabledAsync(string tenantId, string userName, bool disabled, CancellationToken cancellationToken);

    /// <summary>Sets a new password for the tenant's user and clears the lock-out. Returns the user after the change, or null.</summary>
    Task<ConsoleUserInfo?> ResetPasswordAsync(string tenantId, string userName, string password, CancellationToken cancellationToken);

    /// <summary>Clears the lock-out and the failure count of the tenant's user. Returns the user after the change, or null.</summary>
    Task<ConsoleUserInfo?> UnlockAsync(string tenantId, string userName, CancellationToken cancellationToken);

    /// <summary>
    /// Records a sign-in through OpenID Connect: adds the user to the tenant's external users, or
    /// updates the role and the time of the latest sign-in.
    /// </summary>
    Task RecordExternalSignInAsync(string tenantId, string userName, string role, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The tenant's users who signed in through OpenID Connect, ordered by name.</summary>
    Task<IReadOnlyList<ExternalUserInfo>> ListExternalAsync(string tenantId, CancellationToken cancellationToken);
}

public static class ConsoleRoles
{
    public const string Analyst = "analyst";
    public const string TenantAdmin = "tenant-admin";
    public const string PlatformOperator = "platform-operator";

    /// <summary>Every role, lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Analyst, TenantAdmin, PlatformOperator];

    public static bool IsKnown(string? role) => role is Analyst or TenantAdmin or PlatformOperator;

    /// <summary>Returns the rank of a role (analyst 1, tenant admin 2, platform operator 3), or 0 for an unknown one.</summary>
    public static int Rank(string? role) => role switch
    {
        Analyst => 1,
        TenantAdmin => 2,
        PlatformOperator => 3,
        _ => 0,
    };
}

/// <summary>A console user as the Users page shows it; never the password hash.</summary>
public sealed record ConsoleUserInfo(
    string UserName,
    string TenantId,
    string Role,
    bool Disabled,
    int FailedAttempts,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt);

public sealed record ConsoleUser(string UserName, string TenantId, string Role);

/// <summary>A user of the identity provider as the console last saw them sign in.</summary>
public sealed record ExternalUserInfo(string UserName, string TenantId, string Role, DateTimeOffset FirstSignInAt, DateTimeOffset LastSignInAt, long SignInCount);

public enum SignInStatus
{
    Succeeded,
    InvalidCredentials,
    LockedOut,

    /// <summary>The password was right but a tenant admin disabled the account.</summary>
    Disabled,
}

public sealed record SignInResult(SignInStatus Status, ConsoleUser? User, DateTimeOffset? LockedUntil = null);
