using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Vigil.Abstractions;
using Vigil.Grains;
using Vigil.Host.Configuration;
using Vigil.Host.Services;
using Vigil.Storage;

namespace Vigil.Host;

/// <summary>Composes the silo, the storage and the background services of one Vigil host process.</summary>
public static class VigilHostBuilderExtensions
{
    /// <summary>
    /// Registers the validated options, database migration (first, so the Orleans tables exist before
    /// the silo starts), the Orleans silo on PostgreSQL, and the services that feed it.
    /// </summary>
    public static WebApplicationBuilder AddVigilHost(this WebApplicationBuilder builder, VigilHostOptions options)
    {
        var connectionString = options.Database.ConnectionString!;
        builder.Services.AddSingleton<IValidateOptions<VigilHostOptions>, VigilHostOptionsValidator>();
        builder.Services.AddOptions<VigilHostOptions>().Bind(builder.Configuration.GetSection(VigilHostOptions.SectionName)).ValidateOnStart();
        builder.Services.AddVigilStorage(connectionString);
        builder.Services.AddHostedService<DatabaseMigrationService>();

        builder.UseOrleans(silo =>
        {
            var cluster = options.Cluster;
            silo.Configure<ClusterOptions>(clusterOptions =>
            {
                clusterOptions.ClusterId = cluster.ClusterId;
                clusterOptions.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseAdoNetClustering(adoNet =>
            {
                adoNet.Invariant = VigilCluster.AdoNetInvariant;
                adoNet.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage(VigilGrainStorage.Name, adoNet =>
            {
                adoNet.Invariant = VigilCluster.AdoNetInvariant;
                adoNet.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(adoNet =>
            {
                adoNet.Invariant = VigilCluster.AdoNetInvariant;
                adoNet.ConnectionString = connectionString;
            });
            silo.AddVigilGrains();
            silo.AddActivityPropagation();
        });

        builder.Services.AddHostedService<AdministratorBootstrapService>();
        builder.Services.AddHostedService<ThreatListRefreshService>();
        builder.Services.AddHostedService<FolderWatchService>();
        return builder;
    }
}
