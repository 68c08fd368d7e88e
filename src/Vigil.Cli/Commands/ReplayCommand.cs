using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Vigil.Cli.Replay;
using Vigil.Contracts.Findings;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil replay</c>: runs the detections offline over a folder of logs and writes the findings as JSON Lines.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A CloudTrail, VPC flow or Route 53 Resolver log file, or a folder of them (S3 key layout or flat)." };
        var lists = new Option<string[]>("--list") { Description = "A plain-text threat list of IP addresses, CIDRs and domains, named in findings after its file name without extension; repeat for several.", AllowMultipleArgumentsPerToken = false };
        var platformLists = new Option<string[]>("--platform-list")
        {
            Description = "PURPOSE=FILE: a plain-text platform list with its threat purpose (" + string.Join(", ", ThreatPurposeNames.All.Skip(1)) + "); repeat for several.",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string?>("--out") { Description = "File to write the findings to as JSON Lines; standard output when omitted." };
        var tenant = CommonOptions.Tenant();
        var rules = new Option<string?>("--rules") { Description = "A Sigma rule file, or a folder of them, to run beside the built-in detectors (a back-test of the rules over these logs)." };
        var asnFile = new Option<string?>("--asn-file") { Description = "ASN database: a MaxMind DB (.mmdb) file or a CSV range file, as Vigil:Enrichment:AsnFile." };
        var locationFile = new Option<string?>("--location-file") { Description = "Country or city database: a MaxMind DB file or a CSV range file, as Vigil:Enrichment:LocationFile." };
        var awsRanges = new Option<string?>("--aws-ip-ranges") { Description = "AWS's ip-ranges.json, as Vigil:Enrichment:AwsIpRangesFile." };
        var learningDays = new Option<double>("--learning-days") { Description = "Days of event time from a profile's first event before it raises anomaly findings.", DefaultValueFactory = _ => 14 };

        var command = new Command("replay", "Run Vigil's grains and detectors in process over a folder of logs (no database) and write the findings.")
        {
            path, lists, platformLists, output, tenant, rules, asnFile, locationFile, awsRanges, learningDays,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            if (!CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            var listFiles = parse.GetValue(lists) ?? [];
            foreach (var missing in listFiles.Where(file => !File.Exists(file)))
            {
                Console.Error.WriteLine($"error: threat list '{missing}' not found.");
                return 2;
            }

            var platform = new List<(ThreatPurpose, string)>();
            foreach (var value in parse.GetValue(platformLists) ?? [])
            {
                var separator = value.IndexOf('=', StringComparison.Ordinal);
                if (separator <= 0 || !ThreatPurposeNames.TryParse(value[..separator], out var purpose) || purpose == ThreatPurpose.Custom)
                {
                    Console.Error.WriteLine($"error: invalid --platform-list '{value}'; use PURPOSE=FILE with one of {string.Join(", ", ThreatPurposeNames.All.Skip(1))}.");
                    return 2;
                }

                if (!File.Exists(value[(separator + 1)..]))
                {
                    Console.Error.WriteLine($"error: platform list '{value[(separator + 1)..]}' not found.");
                    return 2;
                }

                platform.Add((purpose, value[(separator + 1)..]));
            }

            var outputPath = parse.GetValue(output);
            var outputFolder = outputPath is null ? null : Path.GetDirectoryName(Path.GetFullPath(outputPath));
            if (outputFolder is not null && !Directory.Exists(outputFolder))
            {
                Console.Error.WriteLine($"error: the folder of --out '{outputPath}' does not exist.");
                return 2;
            }

            var logPath = parse.GetValue(path)!;
            if (!File.Exists(logPath) && !Directory.Exists(logPath))
            {
                Console.Error.WriteLine($"error: log path '{logPath}' not found.");
                return 2;
            }

            var rulePath = parse.GetValue(rules);
            var ruleSources = rulePath is null ? [] : RuleFiles.Read(rulePath, Console.Error);
            if (ruleSources is null)
            {
                return 2;
            }

            var profileOptions = ProfileOptions.Default with { LearningPeriod = TimeSpan.FromDays(parse.GetValue(learningDays)) };
            if (profileOptions.Validate() is [var problem, ..])
            {
                Console.Error.WriteLine($"error: --learning-days: {problem}");
                return 2;
            }

            var enrichmentErrors = new List<EnrichmentError>();
            IpEnricher enricher;
            try
            {
                enricher = IpEnricher.Load(
                    new EnrichmentSettings { AsnFile = parse.GetValue(asnFile), LocationFile = parse.GetValue(locationFile), AwsIpRangesFile = parse.GetValue(awsRanges) },
                    enrichmentErrors);
            }
            catch (EnrichmentFileException exception)
            {
                Console.Error.WriteLine($"error: {exception.Message}");
                return 2;
            }

            using var enrichment = enricher;
            foreach (var error in enrichmentErrors)
            {
                Console.Error.WriteLine($"warning: skipped {error}");
            }

            var runner = new ReplayRunner(logging => logging.AddSimpleConsole().AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)) { Rules = ruleSources };
            var result = await runner.RunAsync(tenantId, logPath, listFiles, enricher, profileOptions, new ProgressReporter(), cancellationToken, platform);

            foreach (var diagnostic in result.RuleDiagnostics)
            {
                Console.Error.WriteLine(Contracts.Text.LogText.Escape(diagnostic.ToString()));
            }

            foreach (var error in result.ListErrors)
            {
                Console.Error.WriteLine($"warning: {error}");
            }

            await WriteFindingsAsync(result.Findings, outputPath, cancellationToken);
            PrintSummary(result.Summary, result.Findings.Count);
            return result.Summary.ObjectsFailed == 0 ? 0 : 1;
        }));
        return command;
    }

    private static async Task WriteFindingsAsync(IReadOnlyList<Finding> findings, string? outputPath, CancellationToken cancellationToken)
    {
        await using var writer = outputPath is null ? Console.Out : new StreamWriter(outputPath, append: false);
        foreach (var finding in findings)
        {
            await writer.WriteLineAsync(FindingJson.Serialize(finding).AsMemory(), cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static string Plural(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private static void PrintSummary(FolderIngestSummary summary, int findingCount)
    {
        Console.Error.WriteLine(summary.Describe() + $"; {Plural(findingCount, "finding")}.");
    }
}
