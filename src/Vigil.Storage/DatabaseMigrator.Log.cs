using Microsoft.Extensions.Logging;

namespace Vigil.Storage;

public sealed partial class DatabaseMigrator
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for another process to finish migrating database {Database}")]
    private static partial void LogWaitingForLock(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migration {FileName} to database {Database}")]
    private static partial void LogApplyingMigration(ILogger logger, string fileName, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database has migration {FileName} (version {Version}) that this build does not contain; a newer build applied it")]
    private static partial void LogUnknownMigration(ILogger logger, string fileName, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} is up to date: {AppliedCount} migrations applied now, {AlreadyAppliedCount} earlier")]
    private static partial void LogMigrationFinished(ILogger logger, string database, int appliedCount, int alreadyAppliedCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the migration lock on database {Database} failed; the server releases it when the broken session ends")]
    private static partial void LogUnlockFailed(ILogger logger, Exception exception, string database);
}
