using System.CommandLine;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil db migrate</c>: applies the database migrations (Orleans provider tables and Vigil's own).</summary>
internal static class DatabaseCommand
{
    public static Command Create()
    {
        var connection = CommonOptions.Connection();
        var migrate = new Command("migrate", "Apply every pending schema migration; applying them twice is harmless.") { connection };
        migrate.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            if (connectionString is null)
            {
                return 2;
            }

            using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
            var report = await new DatabaseMigrator(loggerFactory.CreateLogger<DatabaseMigrator>()).MigrateAsync(connectionString, cancellationToken);
            foreach (var applied in report.Applied)
            {
                Console.WriteLine($"applied {applied}");
            }

            Console.WriteLine($"{report.Applied.Count} migrations applied, {report.AlreadyApplied.Count} already applied.");
            return 0;
        }));

        return new Command("db", "Manage Vigil's PostgreSQL database.") { migrate };
    }
}
