using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Configuration.Overrides;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Vigil.Storage.Orleans;

/// <summary>Registers <see cref="BatchedGrainStorage"/> in a silo.</summary>
public static class BatchedGrainStorageExtensions
{
    /// <summary>
    /// Adds grain storage provider <paramref name="name"/>: Orleans' ADO.NET storage, configured by
    /// <paramref name="configure"/>, whose writes <see cref="BatchedGrainStorage"/> batches. The
    /// writes use the <see cref="NpgsqlDataSource"/> that <paramref name="dataSource"/> returns, which
    /// must reach the same database as the ADO.NET options' connection string.
    /// </summary>
    public static ISiloBuilder AddVigilBatchedGrainStorage(
        this ISiloBuilder silo,
        string name,
        Action<OptionsBuilder<AdoNetGrainStorageOptions>> configure,
        Func<IServiceProvider, NpgsqlDataSource> dataSource,
        BatchedGrainStorageOptions? batching = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(dataSource);

        var services = silo.Services;
        configure(services.AddOptions<AdoNetGrainStorageOptions>(name));
        services.ConfigureNamedOptionForLogging<AdoNetGrainStorageOptions>(name);
        services.AddTransient<IPostConfigureOptions<AdoNetGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<AdoNetGrainStorageOptions>>();
        services.AddTransient<IPostConfigureOptions<AdoNetGrainStorageOptions>, DefaultAdoNetGrainStorageOptionsHashPickerConfigurator>();
        services.AddTransient<IConfigurationValidator>(provider => new AdoNetGrainStorageOptionsValidator(
            provider.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(name), name));
        services.AddGrainStorage(name, (provider, providerName) =>
        {
            var adoNet = provider.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(providerName);
            return new BatchedGrainStorage(
                providerName,
                AdoNetGrainStorageFactory.Create(provider, providerName),
                dataSource(provider),
                adoNet.GrainStorageSerializer,
                adoNet.HashPicker,
                provider.GetProviderClusterOptions(providerName).Value.ServiceId,
                batching ?? new BatchedGrainStorageOptions(),
                provider.GetRequiredService<ILogger<BatchedGrainStorage>>());
        });
        return silo;
    }
}
