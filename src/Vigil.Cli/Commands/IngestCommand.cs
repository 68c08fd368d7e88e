using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;
using Vigil.Abstractions;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Grains;
using Vigil.Grains.Ingest;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil ingest</c>: reads a folder of CloudTrail logs and sends the events to a running Vigil
/// cluster as an Orleans client; the findings land in PostgreSQL and appear in the console.
/// </summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A log file, a folder of them (S3 key layout or flat), or s3://bucket/prefix." };
        var endpointUrl = new Option<string?>("--endpoint-url") { Description = "URL of an S3-compatible store for an s3:// path (path-style addressing); AWS S3 when not given." };
        var tenant = CommonOptions.Tenant();
        var connection = CommonOptions.Connection();
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id of the running silos.", DefaultValueFactory = _ => VigilCluster.DefaultClusterId };
        var serviceId = new Option<string>("--service-id") { Description = "Orleans service id of the running silos (Vigil:Cluster:ServiceId).", DefaultValueFactory = _ => VigilCluster.DefaultServiceId };

        var createTenant = new Option<bool>("--create-tenant") { Description = "Create the tenant when it does not exist yet; without it, an unknown tenant is an error." };

        var command = new Command("ingest", "Send CloudTrail, VPC flow and Route 53 Resolver logs to a running Vigil cluster; objects already read are skipped.") { path, tenant, connection, clusterId, serviceId, endpointUrl, createTenant };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            var logPath = parse.GetValue(path)!;
            if (connectionString is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            if (!S3Input.IsS3(logPath) && !File.Exists(logPath) && !Directory.Exists(logPath))
            {
                Console.Error.WriteLine($"error: log path '{logPath}' not found.");
                return 2;
            }

            var cluster = parse.GetValue(clusterId)!;
            using var host = BuildClient(connectionString, cluster, parse.GetValue(serviceId)!);
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(ConnectTimeout);
                try
                {
                    await host.StartAsync(connectTimeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Console.Error.WriteLine(
                        $"error: no silo of cluster '{cluster}' answered within {ConnectTimeout.TotalSeconds:0} s. " +
                        "Start the host (deploy/local/demo.sh, or Vigil.Host with the same database) or check --cluster-id.");
                    return 1;
                }
            }

            // Records of a tenant that does not exist would be stored where no console user can see them.
            if (!await EnsureTenantAsync(host.Services, tenantId, parse.GetValue(createTenant), cancellationToken))
            {
                await host.StopAsync(CancellationToken.None);
                return 2;
            }

            var ingestor = host.Services.GetRequiredService<LogObjectIngestor>();
            var location = S3Input.IsS3(logPath) ? logPath : Path.GetFullPath(logPath);
            var recorder = await CommandLineSourceRecorder.OpenAsync(
                host.Services.GetRequiredService<ISourceStore>(), tenantId, location, CommonOptions.ResolveActor(null, Console.Error)!, Console.Error, cancellationToken);
            Func<ObjectIngestResult, Task> onRead = recorder is null ? _ => Task.CompletedTask : recorder.RecordAsync;
            FolderIngestSummary summary;
            if (S3Input.IsS3(logPath))
            {
                var (s3, error) = S3Input.Open(logPath, parse.GetValue(endpointUrl));
                if (s3 is null)
                {
                    Console.Error.WriteLine("error: " + LogText.Escape(error!));
                    return 2;
                }

                using (s3)
                {
                    summary = await IngestS3Async(ingestor, tenantId, s3, onRead, cancellationToken);
                }
            }
            else
            {
                summary = await ingestor.IngestFolderAsync(tenantId, logPath, new ProgressReporter(), onRead, cancellationToken);
            }

            await host.StopAsync(CancellationToken.None);

            Console.WriteLine(summary.Describe() + ".");
            return summary.ObjectsFailed == 0 ? 0 : 1;
        }));
        return command;
    }

    /// <summary>Returns true when the tenant exists or was created; otherwise writes what to do and returns false.</summary>
    private static async Task<bool> EnsureTenantAsync(IServiceProvider services, string tenantId, bool create, CancellationToken cancellationToken)
    {
        var tenants = services.GetRequiredService<ITenantStore>();
        if (await tenants.GetAsync(tenantId, cancellationToken) is not null)
        {
            return true;
        }

        if (!create)
        {
            Console.Error.WriteLine(
                $"error: tenant '{tenantId}' not found. Create it on the console's Tenants page, or pass --create-tenant to create it now.");
            return false;
        }

        var tenant = new Tenant(tenantId, tenantId, new Dictionary<string, string>(), DateTimeOffset.UtcNow);
        if (await tenants.CreateAsync(tenant, cancellationToken))
        {
            // Written to the platform's log and the tenant's own, as the console's Tenants page does.
            var audit = services.GetRequiredService<IAuditLog>();
            var document = JsonSerializer.Serialize(tenant, JsonSerializerOptions.Web);
            foreach (var auditTenant in new[] { AuditEntry.PlatformTenant, tenantId })
            {
                await audit.WriteAsync(
                    new AuditEntry(auditTenant, CommonOptions.ResolveActor(null, Console.Error)!, "tenant.create", "tenant", tenantId, null, document, tenant.CreatedAt),
                    cancellationToken);
            }

            Console.Error.WriteLine($"Created tenant '{tenantId}'.");
        }

        return true;
    }

    /// <summary>Reads every object below the prefix that the ledger decides is due, as a folder pass does.</summary>
    private static async Task<FolderIngestSummary> IngestS3Async(LogObjectIngestor ingestor, string tenantId, S3Input s3, Func<ObjectIngestResult, Task> onRead, CancellationToken cancellationToken)
    {
        var summary = new FolderIngestSummary();
        var progress = new ProgressReporter();
        await foreach (var logObject in s3.ListObjectsAsync(cancellationToken))
        {
            var (_, result) = await ingestor.IngestIfDueAsync(IngestTarget.AnyAccount(tenantId), logObject, cancellationToken);
            if (result is null)
            {
                summary.ObjectsSkipped++;
                continue;
            }

            summary.Add(result.Record);
            progress.Report(result.Record);
            await onRead(result);
        }

        return summary;
    }

    /// <summary>How long the client waits for a gateway (a running silo) before it gives up.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private static IHost BuildClient(string connectionString, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

        // A client without a reachable silo is reported by the command itself, in one line.
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddVigilStorage(connectionString);
        builder.Services.AddVigilIngestion();
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = VigilCluster.AdoNetInvariant;
                options.ConnectionString = connectionString;
            });
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
            client.Services.AddVigilSerialization();
        });
        return builder.Build();
    }
}
