using Microsoft.Extensions.Logging;

namespace Vigil.Storage;

public sealed partial class PostgresConsoleUserStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Created console user {UserName} in tenant {TenantId} with role {Role}")]
    private static partial void LogUserCreated(ILogger logger, string userName, string tenantId, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console user {UserName} locked out until {LockedUntil} after {MaxFailedAttempts} failed sign-ins")]
    private static partial void LogUserLockedOut(ILogger logger, string userName, int maxFailedAttempts, DateTimeOffset lockedUntil);
}
