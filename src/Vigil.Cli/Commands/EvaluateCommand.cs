using System.CommandLine;
using Microsoft.Extensions.Logging;
using Vigil.Cli.Evaluation;
using Vigil.Cli.Simulation.Scenario;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil evaluate</c>: replays a scenario written by <c>vigil simulate --scenario</c> and scores the findings against its ground truth.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "A scenario folder written by vigil simulate --scenario (logs/, enrichment/ and ground-truth.json)." };
        var learningDays = new Option<double?>("--learning-days") { Description = "Days of event time before profiles raise anomaly findings; default: the scenario's." };
        var then = new Option<string[]>("--then") { Description = "A folder or file of logs replayed after the scenario into the same grains; its findings are listed. Repeat for several.", AllowMultipleArgumentsPerToken = false };
        var occurrencesFile = new Option<string?>("--occurrences") { Description = "File to write every finding occurrence of the scenario to, as JSON Lines (one per finding and chunk)." };
        var activityModel = new Option<bool>("--activity-model") { Description = "Also measure a RandomizedPca model over per-principal hourly activity against the rules alone and a count rule (plant the insider attacks with vigil simulate --insider)." };
        var listed = new Option<int>("--list") { Description = "Missed attacks and false findings listed at most.", DefaultValueFactory = _ => 40 };

        var command = new Command("evaluate", "Replay a simulated scenario in process (no database) and print recall and precision per finding type and false findings per 1,000 principal-days.")
        {
            folder, learningDays, then, listed, occurrencesFile, activityModel,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var path = parse.GetValue(folder)!;
            if (!File.Exists(Path.Combine(path, GroundTruth.FileName)))
            {
                Console.Error.WriteLine($"error: '{path}' has no {GroundTruth.FileName}; write a scenario with vigil simulate --scenario estate --out {path}.");
                return 2;
            }

            var extra = parse.GetValue(then) ?? [];
            foreach (var missing in extra.Where(item => !File.Exists(item) && !Directory.Exists(item)))
            {
                Console.Error.WriteLine($"error: --then path '{missing}' not found.");
                return 2;
            }

            if (parse.GetValue(learningDays) is < 0)
            {
                Console.Error.WriteLine("error: --learning-days must not be negative.");
                return 2;
            }

            ScenarioEvaluation.Outcome outcome;
            try
            {
                var evaluation = new ScenarioEvaluation(logging => logging.AddSimpleConsole().AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
                outcome = await evaluation.RunAsync(path, extra, parse.GetValue(learningDays), cancellationToken, new ProgressReporter());
            }
            catch (InvalidDataException exception)
            {
                Console.Error.WriteLine($"error: {exception.Message}");
                return 2;
            }

            if (parse.GetValue(occurrencesFile) is { } occurrencesPath)
            {
                await File.WriteAllLinesAsync(occurrencesPath, outcome.Occurrences.Select(finding => Contracts.Findings.FindingJson.Serialize(finding)), cancellationToken);
            }

            EvaluationReport.Write(Console.Out, outcome.Result, parse.GetValue(listed));
            if (parse.GetValue(activityModel))
            {
                var comparison = await ActivityModelExperiment.RunAsync(path, outcome.Result.Truth, cancellationToken);
                ActivityModelReport.Write(Console.Out, outcome.Result, outcome.Occurrences, comparison, parse.GetValue(listed));
            }

            foreach (var (extraPath, occurrences) in outcome.Extra)
            {
                Console.WriteLine();
                Console.WriteLine($"Findings of {extraPath} ({occurrences.Count} occurrences):");
                foreach (var group in occurrences.GroupBy(item => item.Id).OrderBy(group => group.Min(item => item.Service.EventFirstSeen)))
                {
                    var first = group.OrderBy(item => item.Service.EventFirstSeen).First();
                    Console.WriteLine($"- {EvaluationReport.Describe(first)} ({group.Sum(item => item.Service.Count)} events)");
                }
            }

            return 0;
        }));
        return command;
    }
}
