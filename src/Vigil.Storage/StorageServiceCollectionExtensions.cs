using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Registers Vigil's PostgreSQL storage for the host and the command-line tool.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="NpgsqlDataSource"/> for <paramref name="connectionString"/>, the
    /// <see cref="DatabaseMigrator"/> and the repositories, each as its concrete type and its
    /// contracts (<see cref="IFindingSink"/>, <see cref="IFindingQueries"/>, <see cref="IFindingTriage"/>, <see cref="ISuppressionRuleStore"/>, <see cref="ISavedFilterStore"/>, <see cref="IObjectLedger"/>,
    /// <see cref="IConsoleUserStore"/>, <see cref="IThreatListStore"/>, <see cref="IPlatformListStore"/>, <see cref="IRuleStore"/>, <see cref="IRuleDryRunCounts"/>, <see cref="ISourceStore"/>, <see cref="ITrailIntegrityStore"/>, <see cref="IDetectorSettingsStore"/>, <see cref="IAuditLog"/>, <see cref="IExportDestinationStore"/>, <see cref="IExportOutbox"/>, <see cref="ITenantStore"/>, <see cref="IApiKeyStore"/>, <see cref="IOverviewQueries"/>, <see cref="IIngestStatistics"/>), all singletons.
    /// A <see cref="ConsoleUserStoreOptions"/> registered before this call replaces the defaults.
    /// The caller registers logging and runs the migrator before the repositories are used.
    /// </summary>
    public static IServiceCollection AddVigilStorage(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        services.TryAddSingleton(provider => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance)
            .Build());
        services.TryAddSingleton<DatabaseMigrator>();
        services.TryAddSingleton(new ConsoleUserStoreOptions());

        services.TryAddSingleton(new SuppressionOptions());
        services.TryAddSingleton(provider => new PostgresFindingStore(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<SuppressionOptions>()));
        services.TryAddSingleton<IFindingSink>(provider => new MeteredFindingSink(provider.GetRequiredService<PostgresFindingStore>(), provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton<IFindingQueries>(provider => provider.GetRequiredService<PostgresFindingStore>());
        services.TryAddSingleton<IFindingTriage>(provider => provider.GetRequiredService<PostgresFindingStore>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgresSuppressionRuleStore>();
        services.TryAddSingleton<ISuppressionRuleStore>(provider => provider.GetRequiredService<PostgresSuppressionRuleStore>());

        services.TryAddSingleton<PostgresSavedFilterStore>();
        services.TryAddSingleton<ISavedFilterStore>(provider => provider.GetRequiredService<PostgresSavedFilterStore>());

        services.TryAddSingleton<PostgresObjectLedger>();
        services.TryAddSingleton<IObjectLedger>(provider => provider.GetRequiredService<PostgresObjectLedger>());

        services.TryAddSingleton<PostgresConsoleUserStore>();
        services.TryAddSingleton<IConsoleUserStore>(provider => provider.GetRequiredService<PostgresConsoleUserStore>());

        services.TryAddSingleton<PostgresThreatListStore>();
        services.TryAddSingleton<IThreatListStore>(provider => provider.GetRequiredService<PostgresThreatListStore>());

        services.TryAddSingleton<PostgresRuleStore>();
        services.TryAddSingleton<IRuleStore>(provider => provider.GetRequiredService<PostgresRuleStore>());

        services.TryAddSingleton<PostgresRuleDryRunCounts>();
        services.TryAddSingleton<IRuleDryRunCounts>(provider => provider.GetRequiredService<PostgresRuleDryRunCounts>());

        services.TryAddSingleton<PostgresPlatformListStore>();
        services.TryAddSingleton<IPlatformListStore>(provider => provider.GetRequiredService<PostgresPlatformListStore>());

        services.TryAddSingleton<PostgresSourceStore>();
        services.TryAddSingleton<ISourceStore>(provider => provider.GetRequiredService<PostgresSourceStore>());

        services.TryAddSingleton<PostgresDetectorSettingsStore>();
        services.TryAddSingleton<IDetectorSettingsStore>(provider => provider.GetRequiredService<PostgresDetectorSettingsStore>());

        services.TryAddSingleton<PostgresTrailIntegrityStore>();
        services.TryAddSingleton<ITrailIntegrityStore>(provider => provider.GetRequiredService<PostgresTrailIntegrityStore>());

        services.TryAddSingleton<PostgresAuditLog>();
        services.TryAddSingleton<IAuditLog>(provider => provider.GetRequiredService<PostgresAuditLog>());

        services.TryAddSingleton<PostgresExportStore>();
        services.TryAddSingleton<IExportDestinationStore>(provider => provider.GetRequiredService<PostgresExportStore>());
        services.TryAddSingleton<IExportOutbox>(provider => provider.GetRequiredService<PostgresExportStore>());

        services.TryAddSingleton<PostgresTenantStore>();
        services.TryAddSingleton<ITenantStore>(provider => provider.GetRequiredService<PostgresTenantStore>());

        services.TryAddSingleton<PostgresApiKeyStore>();
        services.TryAddSingleton<IApiKeyStore>(provider => provider.GetRequiredService<PostgresApiKeyStore>());

        services.TryAddSingleton<PostgresOverviewQueries>();
        services.TryAddSingleton<IOverviewQueries>(provider => provider.GetRequiredService<PostgresOverviewQueries>());
        services.TryAddSingleton<IIngestStatistics>(provider => provider.GetRequiredService<PostgresOverviewQueries>());

        return services;
    }
}
