using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Ingestion.Integrity;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil validate-trail</c>: validates CloudTrail digest chains and log files in a folder laid out
/// like the trail's bucket, as <c>aws cloudtrail validate-logs</c> does against S3, without a database.
/// The public keys come from a <c>list-public-keys</c> file, or else from CloudTrail's
/// <c>ListPublicKeys</c> with the standard AWS credentials, which is the only AWS call it makes.
/// </summary>
internal static partial class ValidateTrailCommand
{
    /// <summary>Largest public key file read, in bytes. Estimate: a year of monthly keys for 40 Regions is under 300 KiB.</summary>
    private const long MaxPublicKeyFileBytes = 16 * 1024 * 1024;

    private static readonly string[] CompactTimeFormats = ["yyyyMMdd'T'HH:mm:ss'Z'", "yyyyMMdd'T'HHmmss'Z'", "yyyyMMdd'T'HH:mm'Z'"];

    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Folder that stands for the trail's S3 bucket root: AWSLogs/<account>/CloudTrail/... and AWSLogs/<account>/CloudTrail-Digest/... below it." };
        var publicKeys = new Option<FileInfo?>("--public-keys")
        {
            Description = "Output of 'aws cloudtrail list-public-keys' (JSON) covering the time range, for every Region validated. " +
                          "Without it, the keys are requested with CloudTrail's ListPublicKeys, signed with the AWS credentials configured as for the AWS CLI.",
        };
        var regions = new Option<string[]>("--region")
        {
            Description = "Region whose keys ListPublicKeys returns; repeat for several. Defaults to the Regions of the digest files in the time range.",
            AllowMultipleArgumentsPerToken = false,
        };
        var endpoint = new Option<string?>("--endpoint-url") { Description = "CloudTrail endpoint for ListPublicKeys, such as a local test server; defaults to CloudTrail's endpoint in each Region." };
        var bucket = new Option<string?>("--bucket") { Description = "Name of the S3 bucket the folder was copied from. Digests naming another bucket are reported as moved. Defaults to the bucket the newest digest names." };
        var start = new Option<string?>("--start-time") { Description = "Validate log files delivered at or after this UTC time (ISO-8601, for example 2026-01-08T05:21:42Z). Without it, every digest up to the end time is validated." };
        var end = new Option<string?>("--end-time") { Description = "Validate log files delivered at or before this UTC time (ISO-8601). Defaults to the current time." };
        var verbose = new Option<bool>("--verbose") { Description = "Also print a line for each valid log file." };

        var command = new Command("validate-trail", "Validate CloudTrail digest files and the log files they list, as 'aws cloudtrail validate-logs' does, in a folder laid out like the bucket.")
        {
            path, publicKeys, regions, endpoint, bucket, start, end, verbose,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var folder = parse.GetValue(path)!;
            if (!Directory.Exists(folder))
            {
                Console.Error.WriteLine($"error: trail folder '{folder}' not found.");
                return 2;
            }

            if (!TryParseTime(parse.GetValue(start), "--start-time", out var startTime) || !TryParseTime(parse.GetValue(end), "--end-time", out var endTime))
            {
                return 2;
            }

            var until = endTime ?? DateTimeOffset.UtcNow;
            if (startTime > until)
            {
                Console.Error.WriteLine($"error: --start-time {Display(startTime.Value)} is after the end time {Display(until)}.");
                return 2;
            }

            var options = TrailValidatorOptions.Default;
            var store = new FolderTrailObjectStore(folder);
            var keyFile = parse.GetValue(publicKeys);
            var regionNames = parse.GetValue(regions) ?? [];
            var endpointText = parse.GetValue(endpoint);
            if (keyFile is not null && (regionNames.Length > 0 || endpointText is not null))
            {
                Console.Error.WriteLine("error: --region and --endpoint-url apply to keys requested with ListPublicKeys; leave them out with --public-keys.");
                return 2;
            }

            if (!ValidateApiOptions(regionNames, endpointText, out var endpointUrl))
            {
                return 2;
            }

            var keys = keyFile is not null
                ? await LoadPublicKeysAsync(keyFile, cancellationToken)
                : await PublicKeysFromApi.LoadAsync(store, regionNames, endpointUrl, startTime, until, cancellationToken);
            if (keys is null)
            {
                return 2;
            }

            var bucketName = parse.GetValue(bucket);
            var bucketSource = "from --bucket";
            if (string.IsNullOrEmpty(bucketName))
            {
                bucketName = await TrailValidator.FindBucketAsync(store, options, cancellationToken);
                bucketSource = bucketName is null ? "the folder name, because no digest file is readable" : "named by the newest digest file";
                bucketName ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
            }

            var range = startTime is { } from ? $"between {Display(from)} and {Display(until)}" : $"up to {Display(until)}";
            Console.WriteLine($"Validating log files in {folder} (bucket {bucketName}, {bucketSource}) {range}");
            Console.WriteLine();

            var validator = new TrailValidator(store, bucketName, keys, options);
            var summary = await validator.ValidateAsync(startTime, until, new ConsoleListener(parse.GetValue(verbose)), cancellationToken);
            PrintSummary(summary, startTime, until);
            return summary.Succeeded ? 0 : 1;
        }));

        return command;
    }

    /// <summary>Returns true when every Region is a Region name and the endpoint an absolute http or https URL; otherwise writes why.</summary>
    private static bool ValidateApiOptions(string[] regionNames, string? endpointText, out Uri? endpointUrl)
    {
        endpointUrl = null;
        foreach (var region in regionNames)
        {
            if (!RegionName().IsMatch(region))
            {
                Console.Error.WriteLine($"error: invalid --region '{region}'; use a Region name such as us-east-1.");
                return false;
            }
        }

        if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpointUrl) || endpointUrl.Scheme is not ("http" or "https")))
        {
            Console.Error.WriteLine($"error: invalid --endpoint-url '{endpointText}'; use an absolute http or https URL.");
            return false;
        }

        return true;
    }

    private static async Task<PublicKeyList?> LoadPublicKeysAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            Console.Error.WriteLine($"error: public key file '{file.FullName}' not found. Write it with 'aws cloudtrail list-public-keys --start-time ... --end-time ... > FILE'.");
            return null;
        }

        if (file.Length > MaxPublicKeyFileBytes)
        {
            Console.Error.WriteLine($"error: public key file '{file.FullName}' is {file.Length} bytes, more than the limit of {MaxPublicKeyFileBytes}.");
            return null;
        }

        try
        {
            var keys = PublicKeyList.Parse(await File.ReadAllBytesAsync(file.FullName, cancellationToken));
            if (keys.Keys.Count == 0)
            {
                Console.Error.WriteLine($"error: public key file '{file.FullName}' lists no keys. Request the keys for the time range of the digests.");
                return null;
            }

            return keys;
        }
        catch (PublicKeyListFormatException exception)
        {
            Console.Error.WriteLine($"error: invalid public key file '{file.FullName}': {exception.Message}.");
            return null;
        }
    }

    /// <summary>Parses an optional UTC time: ISO-8601, or the compact form the AWS CLI also takes (20260108T05:21:42Z).</summary>
    private static bool TryParseTime(string? text, string option, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        const DateTimeStyles Styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(text, CompactTimeFormats, CultureInfo.InvariantCulture, Styles, out var parsed)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Styles, out parsed))
        {
            time = parsed;
            return true;
        }

        Console.Error.WriteLine($"error: invalid {option} '{text}'. Use a UTC time such as 2026-01-08T05:21:42Z.");
        return false;
    }

    /// <summary>Prints the closing summary in the layout of <c>aws cloudtrail validate-logs</c>.</summary>
    private static void PrintSummary(TrailValidationSummary summary, DateTimeOffset? startTime, DateTimeOffset endTime)
    {
        Console.WriteLine();
        Console.WriteLine(startTime is { } from
            ? $"Results requested for {Display(from)} to {Display(endTime)}"
            : $"Results requested up to {Display(endTime)}");

        if (summary.ValidDigests + summary.InvalidDigests == 0)
        {
            Console.WriteLine("No digests found");
            return;
        }

        Console.WriteLine(summary is { FoundStart: { } foundStart, FoundEnd: { } foundEnd }
            ? $"Results found for {Display(foundStart)} to {Display(foundEnd)}:"
            : "No valid digests found in range");
        Console.WriteLine();
        WriteRatio(summary.ValidDigests, summary.InvalidDigests, "digest");
        WriteRatio(summary.ValidLogFiles, summary.InvalidLogFiles, "log");
    }

    private static void WriteRatio(int valid, int invalid, string noun)
    {
        var total = valid + invalid;
        if (total == 0)
        {
            return;
        }

        Console.WriteLine(invalid > 0
            ? $"{valid}/{total} {noun} files valid, {invalid}/{total} {noun} files INVALID"
            : $"{valid}/{total} {noun} files valid");
    }

    private static string Display(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Prints each digest result, each invalid log file, and each valid log file when verbose.</summary>
    private sealed class ConsoleListener(bool verbose) : ITrailValidationListener
    {
        public void OnDigest(DigestResult result) => Console.WriteLine(result.ToLine());

        public void OnLogFile(LogFileResult result)
        {
            if (verbose || !result.IsValid)
            {
                Console.WriteLine(result.ToLine());
            }
        }

        public void OnGap(DateTimeOffset from, DateTimeOffset to) =>
            Console.WriteLine($"No log files were delivered by CloudTrail between {Display(from)} and {Display(to)}");
    }

    [GeneratedRegex(@"^[a-z]{2}(?:-[a-z]+)+-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();
}
