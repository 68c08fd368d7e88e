using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Vigil.Abstractions;
using Vigil.Grains;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Host.Configuration;
using Vigil.Ingestion.ThreatLists;
using Vigil.Host.Security;
using Vigil.Host.Services;
using Vigil.Host.Sources;
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
        // Object leases are taken under this silo's address and generation, which Orleans makes
        // unique per silo start, so a restarted silo never renews the leases of its dead predecessor.
        builder.Services.AddSingleton(provider => new ObjectLeaseOptions
        {
            OwnerId = provider.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(),
            Duration = TimeSpan.FromSeconds(options.Ingest.LeaseSeconds),
        });
        builder.Services.AddSingleton(new WriteBehindOptions { WritePeriod = TimeSpan.FromSeconds(options.Grains.StateWriteSeconds) });
        builder.Services.AddVigilStorage(connectionString);
        builder.Services.AddHostedService<DatabaseMigrationService>();
        builder.Services.AddSingleton(options.Profiles.ToOptions());

        // One key ring for all silos, so a console sign-in on one silo is valid on every other.
        builder.Services.AddDataProtection().SetApplicationName("vigil");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((keys, dataSource) => keys.XmlRepository = new PostgresDataProtectionRepository(dataSource));

        builder.UseOrleans(silo =>
        {
            var cluster = options.Cluster;
            silo.Configure<ClusterOptions>(clusterOptions =>
            {
                clusterOptions.ClusterId = cluster.ClusterId;
                clusterOptions.ServiceId = cluster.ServiceId;
            });
            silo.Configure<ClusterMembershipOptions>(membership => cluster.Membership.ApplyTo(membership));
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

        // The console's "not useful" on an anomaly finding reaches the principal grain through this.
        builder.Services.AddSingleton<Vigil.Contracts.Findings.IAnomalyFeedback, Vigil.Grains.Principals.GrainAnomalyFeedback>();

        // Registered after the silo's defaults, so these bounds win when the ingestor is resolved.
        builder.Services.AddSingleton(options.Firehose.ToLimits());

        builder.Services.AddHostedService<AdministratorBootstrapService>();
        builder.Services.AddHostedService<ThreatListRefreshService>();
        builder.Services.AddHostedService<RuleRefreshService>();
        builder.Services.AddHttpClient(nameof(PlatformListFetchService));
        builder.Services.AddSingleton(provider => new PlatformListRefresher(
            provider.GetRequiredService<IPlatformListStore>(),
            new ListSourceReader(provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(PlatformListFetchService))),
            TimeProvider.System));
        builder.Services.AddHostedService<PlatformListFetchService>();
        builder.Services.AddHostedService<TrailIntegrityService>();
        builder.Services.AddSingleton<SourceInstruments>();
        builder.Services.AddHostedService<SourceRunnerService>();
        builder.Services.AddHostedService<LedgerMaintenanceService>();
        return builder;
    }
}
