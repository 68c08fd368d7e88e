using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Simulation;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil simulate</c>: writes demo CloudTrail logs with planted incidents, and a matching threat list.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the logs into (created if missing).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same files.", DefaultValueFactory = _ => 7 };
        var days = new Option<int>("--days") { Description = "Days of event time to cover.", DefaultValueFactory = _ => 2 };
        var start = new Option<string>("--start") { Description = "First event time (ISO-8601, UTC).", DefaultValueFactory = _ => "2026-11-30T00:00:00Z" };
        var perSlot = new Option<int>("--events-per-file") { Description = "Average events per five-minute delivery file.", DefaultValueFactory = _ => 20 };

        var command = new Command("simulate", "Write demo CloudTrail, VPC flow and Route 53 Resolver logs in the S3 key layout, with a few planted incidents.") { output, seed, days, start, perSlot };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output)!;
            if (File.Exists(folder.FullName))
            {
                Console.Error.WriteLine($"error: --out '{folder.FullName}' is a file; name a folder.");
                return 2;
            }

            if (!DateTimeOffset.TryParse(parse.GetValue(start), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var startTime))
            {
                Console.Error.WriteLine($"error: invalid --start '{parse.GetValue(start)}'; expected an ISO-8601 time such as 2026-11-30T00:00:00Z.");
                return 2;
            }

            if (parse.GetValue(days) is < 1 or > 366 || parse.GetValue(perSlot) is < 1 or > 100_000)
            {
                Console.Error.WriteLine("error: --days must be 1 to 366 and --events-per-file 1 to 100000.");
                return 2;
            }

            var logs = Path.Combine(folder.FullName, "logs");
            var simulator = new DemoLogSimulator(parse.GetValue(seed), startTime, parse.GetValue(days), parse.GetValue(perSlot));
            var result = simulator.Write(logs);
            var network = new DemoNetworkSimulator(parse.GetValue(seed), startTime, parse.GetValue(days)).Write(logs);
            var listPath = Path.Combine(folder.FullName, "threat-list.txt");
            File.WriteAllText(listPath, DemoEstate.ThreatListText + "\n");

            Console.WriteLine($"Wrote {result.Events} CloudTrail events in {result.Files} files below {logs}");
            Console.WriteLine($"Wrote {network.Records} VPC flow and Route 53 Resolver records in {network.Files} files below {logs}");
            Console.WriteLine($"Planted {result.Incidents} incidents; the demo threat list is {listPath}");
            return 0;
        });
        return command;
    }
}
