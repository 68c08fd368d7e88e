using System.Buffers;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text.Json;
using Vigil.Contracts.Text;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Inspection;
using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil parse</c>: detects the kind of each log object, reads it with its reader and reports
/// records read and rejected, without a database or a silo.
/// </summary>
/// <remarks>
/// Exit status 0 means every object was read to its end without a rejected record, 1 that a record
/// was rejected or an object failed (empty, of no supported kind, or stopped early), and 2 a usage error.
/// </remarks>
internal static class ParseCommand
{
    private const int DefaultMaxRejections = 10;

    public static Command Create()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Log files, folders read recursively in key order, or s3://bucket/prefix; plain or gzip-compressed.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print the results as one JSON document, {\"objects\":[...],\"total\":{...}}, instead of text lines.",
        };
        var records = new Option<bool>("--records")
        {
            Description = "Print the normalised records as JSON Lines to standard output; the results then go to standard error.",
        };
        var endpointUrl = new Option<string?>("--endpoint-url")
        {
            Description = "URL of an S3-compatible store for s3:// paths (path-style addressing); AWS S3 when not given.",
        };
        var maxRejections = new Option<int>("--max-rejections")
        {
            Description = $"Rejections listed per object, 0 to {LogObjectInspectorOptions.MaxRejectionsLimit}; the rejected count is always total.",
            DefaultValueFactory = _ => DefaultMaxRejections,
        };

        var command = new Command("parse", "Detect the kind of each log object, read it and report records read and rejected (no database).")
        {
            paths,
            json,
            records,
            endpointUrl,
            maxRejections,
        };
        command.Action = new ParseAction(paths, json, records, endpointUrl, maxRejections);
        return command;
    }

    /// <summary>
    /// Runs the command. It also runs when the command line has parse errors, so that those end with
    /// exit status 2 like the other usage errors, where System.CommandLine would return 1.
    /// </summary>
    private sealed class ParseAction(Argument<string[]> paths, Option<bool> json, Option<bool> records, Option<string?> endpointUrl, Option<int> maxRejections)
        : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            if (parseResult.Errors.Count > 0)
            {
                foreach (var error in parseResult.Errors)
                {
                    Console.Error.WriteLine("error: " + LogText.Escape(error.Message));
                }

                Console.Error.WriteLine("Run 'vigil parse --help' for the usage.");
                return Task.FromResult(2);
            }

            return CommandErrors.RunAsync(() => RunAsync(parseResult, cancellationToken));
        }

        private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var maxRejectionCount = parseResult.GetValue(maxRejections);
            if (maxRejectionCount is < 0 or > LogObjectInspectorOptions.MaxRejectionsLimit)
            {
                Console.Error.WriteLine($"error: invalid --max-rejections {maxRejectionCount}; use 0 to {LogObjectInspectorOptions.MaxRejectionsLimit}.");
                return 2;
            }

            var inputs = parseResult.GetValue(paths) ?? [];
            foreach (var missing in inputs.Where(input => !S3Input.IsS3(input) && !File.Exists(input) && !Directory.Exists(input)))
            {
                Console.Error.WriteLine($"error: log path '{LogText.Escape(missing)}' not found.");
                return 2;
            }

            var options = LogObjectInspectorOptions.Default with { MaxRejections = maxRejectionCount };
            var run = new ParseRun(new LogObjectInspector(options), maxRejectionCount, parseResult.GetValue(json), parseResult.GetValue(records), parseResult.GetValue(endpointUrl));
            return await run.RunAsync(inputs, cancellationToken);
        }
    }

    /// <summary>One run over the command's paths: reads each object and prints its result.</summary>
    private sealed class ParseRun(LogObjectInspector inspector, int maxRejections, bool printJson, bool printRecords, string? endpointUrl)
    {
        private readonly List<LogObjectInspection> inspections = [];
        private readonly ArrayBufferWriter<byte> recordBuffer = new();
        private LogObjectInspectionTotals totals = LogObjectInspectionTotals.Zero;

        public async Task<int> RunAsync(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
        {
            await using var standardOutput = Console.OpenStandardOutput();

            // With --records, standard output carries only records, so the results go to standard error.
            var resultText = printRecords ? Console.Error : Console.Out;
            foreach (var input in inputs)
            {
                if (S3Input.IsS3(input))
                {
                    var (s3, error) = S3Input.Open(input, endpointUrl);
                    if (s3 is null)
                    {
                        Console.Error.WriteLine("error: " + LogText.Escape(error!));
                        return 2;
                    }

                    using (s3)
                    {
                        await foreach (var key in s3.ListKeysAsync(cancellationToken))
                        {
                            var name = $"{S3Input.Scheme}{s3.Bucket}/{key}";
                            using var response = await s3.GetAsync(key, cancellationToken);
                            Report(resultText, await inspector.InspectAsync(response.ResponseStream, name, OnRecords(standardOutput, name, cancellationToken), cancellationToken));
                        }
                    }

                    continue;
                }

                foreach (var (path, name) in ObjectsOf(input))
                {
                    Report(resultText, await inspector.InspectFileAsync(path, name, OnRecords(standardOutput, name, cancellationToken), cancellationToken));
                }
            }

            await standardOutput.FlushAsync(cancellationToken);
            if (printJson && printRecords)
            {
                await using var standardError = Console.OpenStandardError();
                await PrintJsonAsync(standardError, cancellationToken);
            }
            else if (printJson)
            {
                await PrintJsonAsync(standardOutput, cancellationToken);
            }
            else
            {
                resultText.WriteLine(
                    $"total: {Plural(totals.Objects, "object")}, {Plural(totals.RecordsRead, "record")} read, " +
                    $"{totals.RecordsRejected} rejected, {totals.ObjectsFailed} failed");
            }

            return totals.IsClean ? 0 : 1;
        }

        private Func<LogRecordBatch, ValueTask>? OnRecords(Stream standardOutput, string name, CancellationToken cancellationToken) =>
            printRecords ? batch => WriteRecordsAsync(standardOutput, name, batch, cancellationToken) : null;

        private void Report(TextWriter resultText, LogObjectInspection inspection)
        {
            totals = totals.Add(inspection);
            if (printJson)
            {
                inspections.Add(inspection);
            }
            else
            {
                PrintText(resultText, inspection);
            }
        }

        /// <summary>Lists a file as itself, and a folder's files in key order, each with the name it is printed under.</summary>
        private static IEnumerable<(string Path, string Name)> ObjectsOf(string input)
        {
            if (File.Exists(input))
            {
                return [(input, input)];
            }

            return LogFileDiscovery.Enumerate(input).Select(logObject => (logObject.Path, Path.Join(input, logObject.Key)));
        }

        private async ValueTask WriteRecordsAsync(Stream output, string name, LogRecordBatch batch, CancellationToken cancellationToken)
        {
            recordBuffer.ResetWrittenCount();
            LogObjectInspectionJson.WriteRecordLines(recordBuffer, name, batch);
            await output.WriteAsync(recordBuffer.WrittenMemory, cancellationToken);
        }

        private async Task PrintJsonAsync(Stream output, CancellationToken cancellationToken)
        {
            await using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
            {
                LogObjectInspectionJson.WriteResults(writer, inspections);
            }

            await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }

        /// <summary>
        /// Prints one result line, then one indented line per listed rejection and for the error.
        /// Names, reasons and errors come from the logs, so they are escaped.
        /// </summary>
        private void PrintText(TextWriter output, LogObjectInspection inspection)
        {
            var insights = inspection.InsightRecords > 0 ? $" ({Plural(inspection.InsightRecords, "Insights event")})" : "";
            output.WriteLine(
                $"{LogText.Escape(inspection.Name)}: {LogObjectNames.Of(inspection.Kind)} " +
                $"({LogObjectNames.Of(inspection.Format)}, {LogObjectNames.Of(inspection.Compression)}): " +
                $"{Plural(inspection.RecordsRead, "record")} read{insights}, {inspection.RecordsRejected} rejected");

            foreach (var rejection in inspection.Rejections)
            {
                var field = rejection.Field is null ? "" : $", field {LogText.Escape(rejection.Field)}";
                output.WriteLine($"  {Position(inspection.Format, rejection)}{field}: {LogText.Escape(rejection.Reason)}");
            }

            // A rejected Parquet row group is one rejection for all its rows, so the count of the
            // rest is exact only when no row group was rejected.
            var unlisted = inspection.RecordsRejected - inspection.Rejections.Count;
            if (unlisted > 0 && inspection.Rejections.Count == maxRejections)
            {
                output.WriteLine($"  ... {Plural(unlisted, "more rejected record")} not listed; raise --max-rejections to list them");
            }

            if (inspection.Error is not null)
            {
                // The readers start their errors with the object's name, which the line above already shows.
                var namePrefix = inspection.Name + ": ";
                var error = inspection.Error.StartsWith(namePrefix, StringComparison.Ordinal) ? inspection.Error[namePrefix.Length..] : inspection.Error;
                output.WriteLine($"  error: {LogText.Escape(error)}");
            }
        }

        /// <summary>
        /// Returns where a rejected record is: its row in a Parquet file, its line and index in
        /// <c>Records</c> in a CloudTrail file, and its line elsewhere.
        /// </summary>
        private static string Position(LogObjectFormat format, RecordRejection rejection) => format switch
        {
            LogObjectFormat.Parquet => $"row {rejection.Line}",
            LogObjectFormat.Json => $"line {rejection.Line}, index {rejection.RecordIndex}",
            _ => $"line {rejection.Line}",
        };

        private static string Plural(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
    }
}
