using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Abstractions;
using Vigil.Grains.Accounts;
using Vigil.Detection.Intel;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;
using Vigil.Enrichment;
using Vigil.Grains.Diagnostics;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.Firehose;
using Vigil.Rules;

namespace Vigil.Grains;

/// <summary>Registrations every Vigil silo needs, whether it is the host or an in-process replay.</summary>
public static class VigilSiloBuilderExtensions
{
    /// <summary>
    /// Adds the contract serialisers, the threat-list, rule and detector-settings registries, the clock and the ingestor. The caller
    /// registers the grain storage named <see cref="VigilGrainStorage.Name"/>, an <c>IFindingSink</c> and an <c>IObjectLedger</c>.
    /// An <see cref="IpEnricher"/> and <see cref="ProfileOptions"/> registered before this call are kept;
    /// otherwise profiles run without enrichment files and with the default options.
    /// </summary>
    public static ISiloBuilder AddVigilGrains(this ISiloBuilder silo)
    {
        silo.Services.AddVigilSerialization();
        silo.Services.AddVigilIngestion();
        silo.Services.TryAddSingleton<ThreatIntelRegistry>();
        silo.Services.TryAddSingleton<RuleRegistry>();
        silo.Services.TryAddSingleton(IpEnricher.None);
        silo.Services.TryAddSingleton(ProfileOptions.Default);
        silo.Services.TryAddSingleton<DetectorSettingsRegistry>();
        silo.Services.TryAddSingleton<AccountObservationBatcher>();
        return silo;
    }

    /// <summary>
    /// Adds what the ingestor needs besides a grain factory and an <c>IObjectLedger</c>: options,
    /// the clock and the metrics. A silo gets these from <see cref="AddVigilGrains"/>; an Orleans client calls this itself.
    /// </summary>
    public static IServiceCollection AddVigilIngestion(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VigilInstruments>();
        services.TryAddSingleton(new IngestOptions());
        services.TryAddSingleton<LogObjectIngestor>();

        // Resolved only where Firehose requests arrive; it also needs an ISourceStore.
        services.TryAddSingleton(FirehoseLimits.Default);
        services.TryAddSingleton<FirehoseIngestor>();
        return services;
    }
}
