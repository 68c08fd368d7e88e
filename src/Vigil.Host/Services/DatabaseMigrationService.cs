using Microsoft.Extensions.Options;
using Vigil.Host.Configuration;
using Vigil.Storage;

namespace Vigil.Host.Services;

/// <summary>Applies pending schema migrations before the silo starts; registered ahead of Orleans so it runs first.</summary>
public sealed partial class DatabaseMigrationService(DatabaseMigrator migrator, IOptions<VigilHostOptions> options, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        if (!database.MigrateOnStart)
        {
            return;
        }

        var report = await migrator.MigrateAsync(database.ConnectionString!, cancellationToken);
        LogMigrated(logger, report.Applied.Count, report.AlreadyApplied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current: {Applied} migrations applied now, {AlreadyApplied} earlier")]
    private static partial void LogMigrated(ILogger logger, int applied, int alreadyApplied);
}
