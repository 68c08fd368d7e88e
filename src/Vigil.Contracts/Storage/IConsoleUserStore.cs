namespace Vigil.Contracts.Storage;

/// <summary>Local console accounts: salted, slow password hashes and lock-out after repeated failures.</summary>
public interface IConsoleUserStore
{
    /// <summary>Checks a password. Returns the user on success; counts failures and locks the account after too many.</summary>
    Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Creates the user unless one with that name exists. Returns true when it was created.</summary>
    Task<bool> CreateIfMissingAsync(string userName, string password, string tenantId, string role, CancellationToken cancellationToken);

    Task<bool> AnyUserAsync(CancellationToken cancellationToken);
}

public static class ConsoleRoles
{
    public const string Analyst = "analyst";
    public const string TenantAdmin = "tenant-admin";
    public const string PlatformOperator = "platform-operator";
}

public sealed record ConsoleUser(string UserName, string TenantId, string Role);

public enum SignInStatus
{
    Succeeded,
    InvalidCredentials,
    LockedOut,
}

public sealed record SignInResult(SignInStatus Status, ConsoleUser? User, DateTimeOffset? LockedUntil = null);
