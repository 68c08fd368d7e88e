using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Abstractions;
using Vigil.Detection.Intel;
using Vigil.Grains.Ingest;

namespace Vigil.Grains;

/// <summary>Registrations every Vigil silo needs, whether it is the host or an in-process replay.</summary>
public static class VigilSiloBuilderExtensions
{
    /// <summary>
    /// Adds the contract serialisers, the threat-list registry, the clock and the ingestor. The caller
    /// registers the grain storage named <see cref="VigilGrainStorage.Name"/>, an <c>IFindingSink</c> and an <c>IObjectLedger</c>.
    /// </summary>
    public static ISiloBuilder AddVigilGrains(this ISiloBuilder silo)
    {
        silo.Services.AddVigilSerialization();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<ThreatIntelRegistry>();
        silo.Services.TryAddSingleton(new IngestOptions());
        silo.Services.TryAddSingleton<CloudTrailIngestor>();
        return silo;
    }
}
