using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Vigil.Abstractions;
using Vigil.Console;
using Vigil.Grains;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Export;
using Vigil.Detection.Settings;
using Vigil.Host.Lists;
using Vigil.Host.Configuration;
using Vigil.Host.Ingest;
using Vigil.Host.Integrity;
using Vigil.Ingestion.Integrity;
using Vigil.Ingestion.ThreatLists;
using Vigil.Host.Security;
using Vigil.Host.Services;
using Vigil.Host.Sources;
using Vigil.Storage;
using Vigil.Storage.Orleans;

namespace Vigil.Host;

/// <summary>Composes the silo, the storage and the background services of one Vigil host process.</summary>
public static class VigilHostBuilderExtensions
{
    /// <summary>
    /// Adds the console's middleware and maps every endpoint of the host: static assets, health and
    /// metrics, the Firehose endpoint, the console pages and the REST API. The host and the tests
    /// that enumerate the host's routes both call this, so they see the same routes.
    /// </summary>
    public static WebApplication UseVigilEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseVigilConsole();
        app.MapStaticAssets().AllowAnonymous();
        app.MapVigilOperations();
        app.MapFirehoseIngest();
        app.MapVigilConsole();
        return app;
    }

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

        // Hosted services start in registration order. The lists and rules load before the silo
        // starts, because a silo that has joined the cluster receives grain calls at once, and an
        // event scored before the lists load would miss its list matches for good. The detector
        // settings load before it for the same reason.
        builder.Services.AddHostedService<ThreatListRefreshService>();
        builder.Services.AddHostedService<RuleRefreshService>();
        builder.Services.AddHostedService<DetectorSettingsRefreshService>();
        builder.Services.AddSingleton(options.Profiles.ToOptions());

        // One key ring for all silos, so a console sign-in on one silo is valid on every other.
        builder.Services.AddDataProtection().SetApplicationName("vigil");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((keys, dataSource) => keys.XmlRepository = new PostgresDataProtectionRepository(dataSource));

        // Console sessions live in the database too, so a platform operator's selected tenant stays on
        // the server and disabling a user ends the user's sessions on every silo.
        builder.Services.AddSingleton<PostgresConsoleSessionStore>();
        builder.Services.AddSingleton<Vigil.Console.Security.IConsoleSessionStore>(provider => provider.GetRequiredService<PostgresConsoleSessionStore>());

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
            // Orleans' ADO.NET storage reads and clears; writes of many grains share one statement.
            silo.AddVigilBatchedGrainStorage(VigilGrainStorage.Name, adoNet => adoNet.Configure<IServiceProvider>((storage, services) =>
            {
                storage.Invariant = VigilCluster.AdoNetInvariant;
                storage.ConnectionString = connectionString;
                // Binary state instead of Orleans' default JSON unless set otherwise; both forms are read.
                storage.GrainStorageSerializer = new VigilGrainStateSerializer(
                    services.GetRequiredService<Orleans.Serialization.Serializer>(),
                    services.GetService<Orleans.Storage.IGrainStorageSerializer>() ?? new Orleans.Storage.JsonGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.OrleansJsonSerializer>()),
                    writeEarlierFormat: options.Grains.StateFormat == GrainStateFormat.Json);
            }), services => services.GetRequiredService<NpgsqlDataSource>());
            silo.UseAdoNetReminderService(adoNet =>
            {
                adoNet.Invariant = VigilCluster.AdoNetInvariant;
                adoNet.ConnectionString = connectionString;
            });
            silo.AddVigilGrains();
            if (VigilTelemetryExtensions.HasOtlpCollector(builder.Configuration))
            {
                // Trace context travels in grain messages only when traces are recorded. Without a
                // collector, the propagation filters still ran on every grain call.
                silo.AddActivityPropagation();
            }
        });

        // The console reads grain summaries and the cluster's state through the silo's own grain factory.
        builder.Services.AddSingleton<Vigil.Contracts.Profiles.IProfileReader, Vigil.Grains.Console.GrainProfileReader>();
        builder.Services.AddSingleton<Vigil.Contracts.Cluster.IClusterStatusReader, Vigil.Grains.Console.ClusterStatusReader>();

        // The console's "not useful" on an anomaly finding reaches the principal grain through this.
        builder.Services.AddSingleton<Vigil.Contracts.Findings.IAnomalyFeedback, Vigil.Grains.Principals.GrainAnomalyFeedback>();

        // Registered after the silo's defaults, so these bounds and options win when the ingestors are resolved.
        builder.Services.AddSingleton(options.Firehose.ToLimits());
        builder.Services.AddSingleton(options.Ingest.ToIngestOptions());

        builder.Services.AddHostedService<AdministratorBootstrapService>();
        builder.Services.AddHttpClient(nameof(PlatformListFetchService));
        builder.Services.AddSingleton(provider => new PlatformListRefresher(
            provider.GetRequiredService<IPlatformListStore>(),
            new ListSourceReader(provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(PlatformListFetchService))),
            TimeProvider.System));
        builder.Services.AddHostedService<PlatformListFetchService>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options.Lists.ToOptions());
        builder.Services.AddSingleton<ITenantListSourceReader>(_ => new S3TenantListSourceReader(options.Lists));
        builder.Services.AddSingleton<ListCatalogue>();
        builder.Services.AddSingleton<TenantListRefresher>();
        builder.Services.AddHostedService<TenantListFetchService>();
        builder.Services.AddSingleton<DetectorSettingsCatalogue>();
        AddTrailIntegrity(builder.Services, options);

        // Registered before the console's folder-only default, so back-tests read S3 sources too.
        builder.Services.AddScoped<Vigil.Console.Rules.IRuleBackTestLogs, SourceBackTestLogs>();
        builder.Services.AddSingleton<SourceInstruments>();
        builder.Services.AddHostedService<SourceRunnerService>();
        builder.Services.AddHostedService<LedgerMaintenanceService>();
        AddFindingExport(builder.Services);
        return builder;
    }

    /// <summary>Registers continuous digest validation and, with <c>Vigil:Integrity:PublicKeysFromApi</c>, the <c>ListPublicKeys</c> client.</summary>
    private static void AddTrailIntegrity(IServiceCollection services, VigilHostOptions options)
    {
        services.AddHttpClient(nameof(CloudTrailPublicKeyClient), client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(provider => new TrailPublicKeySource(
            provider.GetRequiredService<IOptions<VigilHostOptions>>(),
            options.Integrity.PublicKeysFromApi
                ? new CloudTrailPublicKeyClient(
                    provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(CloudTrailPublicKeyClient)),
                    HostAwsCredentials.ResolveAsync,
                    TimeProvider.System,
                    string.IsNullOrEmpty(options.Integrity.CloudTrailServiceUrl) ? null : new Uri(options.Integrity.CloudTrailServiceUrl))
                : null,
            TimeProvider.System));
        services.AddSingleton(provider => new SourceTrailValidator(
            provider.GetRequiredService<ITrailIntegrityStore>(),
            provider.GetRequiredService<TrailPublicKeySource>(),
            provider.GetRequiredService<IFindingSink>(),
            provider.GetRequiredService<ThreatIntelRegistry>(),
            TimeProvider.System,
            provider.GetRequiredService<ILogger<SourceTrailValidator>>(),
            options.Integrity.Bucket));
        services.AddHostedService<TrailIntegrityService>();
    }

    /// <summary>Registers the export senders, the dispatcher and the service that runs it on every silo.</summary>
    private static void AddFindingExport(IServiceCollection services)
    {
        services.AddHttpClient(nameof(WebhookSender), client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<IExportSender>(provider => new WebhookSender(provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookSender)), TimeProvider.System));
        services.AddSingleton<IExportSender>(_ => new S3Sender(S3Sender.DefaultClient, TimeProvider.System));
        services.AddSingleton<IExportSender>(_ => new SyslogSender(TimeProvider.System));
        services.AddSingleton<ExportInstruments>();
        services.AddSingleton(provider => new ExportDispatcher(
            provider.GetRequiredService<IExportOutbox>(),
            provider.GetServices<IExportSender>(),
            provider.GetRequiredService<ExportInstruments>(),
            TimeProvider.System,
            new ExportDispatcherOptions { OwnerId = provider.GetRequiredService<ObjectLeaseOptions>().OwnerId },
            provider.GetRequiredService<ILogger<ExportDispatcher>>()));
        services.AddHostedService<FindingExportService>();
    }
}
