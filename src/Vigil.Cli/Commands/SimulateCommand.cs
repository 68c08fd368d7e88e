using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Simulation;
using Vigil.Cli.Simulation.Scenario;

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
        var scenario = new Option<string?>("--scenario") { Description = $"Write a scenario instead of the demo logs: '{EstateScenario.Name}' (staff, automation and instances with labelled attacks after learning, and ground-truth.json)." };
        var weeks = new Option<int>("--weeks") { Description = "Weeks of event time of a scenario.", DefaultValueFactory = _ => 6 };
        var users = new Option<int>("--users") { Description = "IAM users (staff) of a scenario.", DefaultValueFactory = _ => 40 };
        var userNames = new Option<string?>("--user-names") { Description = "Comma-separated names for the first staff members of a scenario, who work as operators (administrators)." };
        var account = new Option<string>("--account") { Description = "AWS account id of a scenario.", DefaultValueFactory = _ => new ScenarioOptions().AccountId };
        var noAttacks = new Option<bool>("--no-attacks") { Description = "Write a scenario's routine activity only, as a learning period for other logs." };
        var insider = new Option<bool>("--insider") { Description = "Also plant insider bulk reads (usual calls at ten times the usual volume), for vigil evaluate --activity-model." };

        var command = new Command("simulate", "Write demo CloudTrail, VPC flow and Route 53 Resolver logs in the S3 key layout, with a few planted incidents, or a scenario with ground truth for vigil evaluate.")
        {
            output, seed, days, start, perSlot, scenario, weeks, users, userNames, account, noAttacks, insider,
        };
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

            if (parse.GetValue(scenario) is { } scenarioName)
            {
                return WriteScenario(parse, scenarioName, folder, startTime, seed, weeks, users, userNames, account, noAttacks, insider,
                    parse.GetResult(start) is { Implicit: false });
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

    private static int WriteScenario(
        ParseResult parse, string name, DirectoryInfo folder, DateTimeOffset startTime, Option<int> seed, Option<int> weeks, Option<int> users,
        Option<string?> userNames, Option<string> account, Option<bool> noAttacks, Option<bool> insider, bool startGiven)
    {
        if (name != EstateScenario.Name)
        {
            Console.Error.WriteLine($"error: unknown --scenario '{name}'; the one scenario is '{EstateScenario.Name}'.");
            return 2;
        }

        var names = (parse.GetValue(userNames) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var accountId = parse.GetValue(account)!;
        if (parse.GetValue(weeks) is < 1 or > 52 || parse.GetValue(users) is < 1 or > 10_000 || names.Length > parse.GetValue(users))
        {
            Console.Error.WriteLine("error: --weeks must be 1 to 52, --users 1 to 10000, and --user-names may name at most --users people.");
            return 2;
        }

        if (accountId.Length != 12 || !accountId.All(char.IsAsciiDigit))
        {
            Console.Error.WriteLine($"error: invalid --account '{accountId}'; an AWS account id has 12 digits.");
            return 2;
        }

        var options = new ScenarioOptions
        {
            Seed = parse.GetValue(seed),
            Weeks = parse.GetValue(weeks),
            Users = parse.GetValue(users),
            UserNames = names,
            AccountId = accountId,
            PlantAttacks = !parse.GetValue(noAttacks),
            PlantInsider = parse.GetValue(insider),
        };
        if (startGiven)
        {
            options = options with { Start = startTime.UtcDateTime.Date };
        }

        Directory.CreateDirectory(folder.FullName);
        var estate = new EstateScenario(options);
        var truth = estate.Write(folder.FullName);
        var (events, flows, queries, files) = estate.Written;
        Console.WriteLine($"Wrote {events} CloudTrail events, {flows} VPC flow records and {queries} Resolver queries in {files} files below {Path.Combine(folder.FullName, "logs")}");
        Console.WriteLine($"Planted {truth.Attacks.Count} attacks from {truth.Start.AddDays(truth.LearningDays):yyyy-MM-dd} on; the ground truth is {Path.Combine(folder.FullName, GroundTruth.FileName)}");
        return 0;
    }
}
