using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Benchmarks;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil bench lists</c>: lookups per second and bytes allocated per lookup against a large compiled list.</summary>
internal static class ListBenchCommand
{
    public static Command Create()
    {
        var entries = new Option<int>("--entries") { Description = "Entries in the generated list (IPv4 and IPv6 addresses and ranges, domains).", DefaultValueFactory = _ => 1_000_000 };
        var lookups = new Option<int>("--lookups") { Description = "Lookups timed for each kind of query (IPv4 text, IPv6 text, domain).", DefaultValueFactory = _ => 5_000_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed of the list and the queries.", DefaultValueFactory = _ => 7 };
        var command = new Command("lists", "Build a large threat list, then measure lookups per second and bytes allocated per lookup on one thread.") { entries, lookups, seed };
        command.SetAction(parse =>
        {
            var entryCount = parse.GetValue(entries);
            var lookupCount = parse.GetValue(lookups);
            if (entryCount is < 1_000 or > 2_000_000 || lookupCount is < 1_000 or > 1_000_000_000)
            {
                Console.Error.WriteLine("error: --entries must be 1,000 to 2,000,000 and --lookups 1,000 to 1,000,000,000.");
                return 2;
            }

            Console.WriteLine($"Machine: {MachineDescription.Read().Describe()}; load average {MachineDescription.ReadLoadAverage() ?? "unknown"}");
            var result = ListBenchmark.Run(entryCount, lookupCount, parse.GetValue(seed));
            Console.WriteLine(
                $"List: {BenchFormat.Count(result.Entries)} distinct entries ({BenchFormat.Count(result.Rejected)} rejected), parsed in {BenchFormat.Seconds(result.ParseTime)} s, " +
                $"compiled in {BenchFormat.Seconds(result.CompileTime)} s, snapshot about {BenchFormat.Bytes(result.SnapshotBytes)}");
            Console.WriteLine("query   lookups      matches      lookups/s    bytes/lookup");
            foreach (var phase in result.Lookups)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{phase.Kind,-7} {BenchFormat.Count(phase.Lookups),-12} {BenchFormat.Count(phase.Matches),-12} {BenchFormat.Rate(phase.PerSecond),-12} {phase.BytesPerLookup:0.###}"));
            }

            return result.Lookups.All(phase => phase.AllocatedBytes == 0) ? 0 : 1;
        });
        return command;
    }
}
