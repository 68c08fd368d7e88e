using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;
using Vigil.Abstractions;
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
        var path = new Argument<string>("path") { Description = "A CloudTrail log file, or a folder of them (S3 key layout or flat)." };
        var tenant = CommonOptions.Tenant();
        var connection = CommonOptions.Connection();
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id of the running silos.", DefaultValueFactory = _ => VigilCluster.DefaultClusterId };

        var command = new Command("ingest", "Send CloudTrail logs to a running Vigil cluster; objects already read are skipped.") { path, tenant, connection, clusterId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            var logPath = parse.GetValue(path)!;
            if (connectionString is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            if (!File.Exists(logPath) && !Directory.Exists(logPath))
            {
                Console.Error.WriteLine($"error: log path '{logPath}' not found.");
                return 2;
            }

            using var host = BuildClient(connectionString, parse.GetValue(clusterId)!);
            await host.StartAsync(cancellationToken);
            var ingestor = host.Services.GetRequiredService<CloudTrailIngestor>();
            var summary = await ingestor.IngestFolderAsync(tenantId, logPath, new ProgressReporter(), cancellationToken);
            await host.StopAsync(CancellationToken.None);

            Console.WriteLine(
                $"Read {summary.RecordsRead} records from {summary.ObjectsRead} objects ({summary.ObjectsSkipped} already done, {summary.ObjectsFailed} failed); " +
                $"{summary.RecordsRejected} rejected, {summary.DuplicatesDropped} duplicates dropped, {summary.FindingsRaised} finding occurrences.");
            return summary.ObjectsFailed == 0 ? 0 : 1;
        });
        return command;
    }

    private static IHost BuildClient(string connectionString, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
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
                options.ServiceId = VigilCluster.DefaultServiceId;
            });
            client.Services.AddVigilSerialization();
        });
        return builder.Build();
    }
}
