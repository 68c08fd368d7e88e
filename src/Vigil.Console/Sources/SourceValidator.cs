using System.Net;
using System.Text.RegularExpressions;
using Vigil.Contracts.Storage;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Console.Sources;

/// <summary>
/// Checks a <see cref="SourceInput"/> and normalises it into the fields of its kind. Errors are
/// keyed by the JSON name of the field (<c>name</c>, <c>accountIds</c>, <c>bucket</c> ...), which is
/// what the REST API's problem details and the console dialog show beside each field.
/// </summary>
public static partial class SourceValidator
{
    public const int MaxNameLength = 100;
    public const int MaxAccounts = 1_000;
    public const int MaxPathLength = 4_096;
    public const int MaxPrefixLength = 1_024;
    public const int MaxUrlLength = 2_048;
    public const int MaxFormatLength = 4_096;

    /// <summary>Returns the errors per field; an empty dictionary means the input is valid.</summary>
    public static Dictionary<string, string[]> Validate(SourceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        CheckName(input.Name, errors);
        var kind = ParseKind(input.Kind, errors);
        CheckAccounts(input.AccountIds, errors);

        switch (kind)
        {
            case SourceKind.Folder:
                CheckFolder(input.Folder, errors);
                break;

            case SourceKind.S3Listing:
                CheckBucketSettings(input, errors);
                break;

            case SourceKind.S3Notifications:
                CheckBucketSettings(input, errors);
                CheckQueueUrl(input.QueueUrl, errors);
                break;

            case SourceKind.Firehose:
                CheckFlowLogFormat(input.FlowLogFormat, errors);
                break;
        }

        return errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Parses a kind name, ignoring case; returns null for anything else.</summary>
    public static SourceKind? ParseKind(string? kind) =>
        Enum.TryParse<SourceKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(kind, out _) ? parsed : null;

    /// <summary>
    /// Builds the stored definition from a valid input: trims text, drops the fields other kinds
    /// use, and keeps the id, access key hash and creation facts given.
    /// </summary>
    public static SourceDefinition ToDefinition(SourceInput input, Guid id, string tenantId, string? accessKeySha256, DateTimeOffset updatedAt, string updatedBy)
    {
        var kind = ParseKind(input.Kind) ?? throw new ArgumentException("The input has no valid kind; validate it first.", nameof(input));
        var s3 = kind is SourceKind.S3Listing or SourceKind.S3Notifications;
        return new SourceDefinition
        {
            Id = id,
            TenantId = tenantId,
            Name = input.Name!.Trim(),
            Kind = kind,
            Enabled = input.Enabled,
            AccountIds = [.. NormalizedAccounts(input.AccountIds)],
            Folder = kind == SourceKind.Folder ? Trimmed(input.Folder) : null,
            Bucket = s3 ? Trimmed(input.Bucket) : null,
            Prefix = s3 ? input.Prefix ?? "" : null,
            Region = s3 ? Trimmed(input.Region) : null,
            ServiceUrl = s3 ? Trimmed(input.ServiceUrl) : null,
            QueueUrl = kind == SourceKind.S3Notifications ? Trimmed(input.QueueUrl) : null,
            FlowLogFormat = kind == SourceKind.Firehose ? Trimmed(input.FlowLogFormat) : null,
            AccessKeySha256 = kind == SourceKind.Firehose ? accessKeySha256 : null,
            UpdatedAt = updatedAt,
            UpdatedBy = updatedBy,
        };
    }

    /// <summary>Splits account ids typed in one box (commas, spaces or new lines between them).</summary>
    public static List<string> SplitAccounts(string? text) =>
        [.. (text ?? "").Split([',', ' ', '\t', '\r', '\n', ';'], StringSplitOptions.RemoveEmptyEntries)];

    private static SourceKind? ParseKind(string? kind, Dictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(kind))
        {
            Add(errors, "kind", "The kind is required: Folder, S3Listing, S3Notifications or Firehose.");
            return null;
        }

        var parsed = ParseKind(kind.Trim());
        if (parsed is null)
        {
            Add(errors, "kind", $"'{Shorten(kind)}' is not a source kind; use Folder, S3Listing, S3Notifications or Firehose.");
        }
        else if (parsed == SourceKind.CommandLine)
        {
            Add(errors, "kind", "CommandLine sources are created by the first run of vigil ingest for the tenant; use Folder, S3Listing, S3Notifications or Firehose.");
            return null;
        }

        return parsed;
    }

    private static void CheckName(string? name, Dictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Add(errors, "name", "The name is required.");
        }
        else if (name.Trim().Length > MaxNameLength)
        {
            Add(errors, "name", $"The name is {name.Trim().Length} characters long; use at most {MaxNameLength}.");
        }
        else if (name.Any(char.IsControl))
        {
            Add(errors, "name", "The name contains a control character (such as a line break or tab); remove it.");
        }
    }

    private static void CheckAccounts(IList<string>? accountIds, Dictionary<string, List<string>> errors)
    {
        var accounts = accountIds ?? [];
        if (accounts.Count == 0 || accounts.All(string.IsNullOrWhiteSpace))
        {
            Add(errors, "accountIds", "Give at least one AWS account id; records of other accounts are rejected.");
            return;
        }

        if (accounts.Count > MaxAccounts)
        {
            Add(errors, "accountIds", $"{accounts.Count} account ids given; a source takes at most {MaxAccounts}.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < accounts.Count; i++)
        {
            var account = accounts[i]?.Trim() ?? "";
            if (!AccountIdPattern().IsMatch(account))
            {
                Add(errors, "accountIds", $"Account id {i + 1} '{Shorten(account)}' is not valid; an AWS account id is exactly 12 digits.");
            }
            else if (!seen.Add(account))
            {
                Add(errors, "accountIds", $"Account id {account} is listed more than once.");
            }
        }
    }

    private static void CheckFolder(string? folder, Dictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            Add(errors, "folder", "The folder is required for a folder source.");
        }
        else if (folder.Length > MaxPathLength || folder.Any(char.IsControl) || !Path.IsPathFullyQualified(folder.Trim()))
        {
            Add(errors, "folder", $"'{Shorten(folder)}' is not an absolute path; give the full path of the folder on the Vigil host, such as /var/log/aws.");
        }
    }

    private static void CheckBucketSettings(SourceInput input, Dictionary<string, List<string>> errors)
    {
        var bucketError = BucketNameError(input.Bucket?.Trim());
        if (bucketError is not null)
        {
            Add(errors, "bucket", bucketError);
        }

        if (input.Prefix is { } prefix && (prefix.Length > MaxPrefixLength || prefix.Any(char.IsControl)))
        {
            Add(errors, "prefix", $"The prefix must be at most {MaxPrefixLength} characters without control characters.");
        }

        if (!string.IsNullOrWhiteSpace(input.Region) && !RegionPattern().IsMatch(input.Region.Trim()))
        {
            Add(errors, "region", $"'{Shorten(input.Region)}' is not an AWS region code such as us-east-1 or eu-central-1.");
        }

        if (!string.IsNullOrWhiteSpace(input.ServiceUrl) && UrlError(input.ServiceUrl.Trim()) is { } urlError)
        {
            Add(errors, "serviceUrl", $"The service URL {urlError}; give the endpoint of the S3-compatible store, such as https://s3.example.net:9000.");
        }
    }

    private static void CheckQueueUrl(string? queueUrl, Dictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(queueUrl))
        {
            Add(errors, "queueUrl", "The queue URL is required for an S3 notification source.");
            return;
        }

        var trimmed = queueUrl.Trim();
        if (UrlError(trimmed) is { } urlError)
        {
            Add(errors, "queueUrl", $"The queue URL {urlError}; give it as SQS shows it, such as https://sqs.us-east-1.amazonaws.com/123456789012/vigil-events.");
            return;
        }

        // AWS queue URLs have the path /account-id/queue-name; other SQS-compatible servers only have to end with the name.
        var uri = new Uri(trimmed);
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        var aws = uri.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase);
        var valid = aws
            ? segments.Length == 2 && AccountIdPattern().IsMatch(segments[0]) && QueueNamePattern().IsMatch(segments[1])
            : QueueNamePattern().IsMatch(segments[^1]);
        if (!valid)
        {
            Add(errors, "queueUrl", "The queue URL does not end with a queue name (1 to 80 letters, digits, '-' or '_', and '.fifo' for a FIFO queue); an AWS queue URL has the account id and the name, such as https://sqs.us-east-1.amazonaws.com/123456789012/vigil-events.");
        }
    }

    private static void CheckFlowLogFormat(string? format, Dictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(format))
        {
            return;
        }

        if (format.Length > MaxFormatLength)
        {
            Add(errors, "flowLogFormat", $"The flow log format is longer than {MaxFormatLength} characters.");
        }
        else if (!FlowLineFormat.TryParse(format, out _, out var formatError))
        {
            Add(errors, "flowLogFormat", $"The flow log format is invalid: {formatError}.");
        }
    }

    /// <summary>
    /// Returns why a bucket name breaks the S3 naming rules for general purpose buckets, or null.
    /// A valid name has 3 to 63 lower-case letters, digits, '.' and '-', and starts and ends with a
    /// letter or digit. It has no two adjacent periods, is not an IP address, and has none of the
    /// reserved prefixes and suffixes.
    /// </summary>
    public static string? BucketNameError(string? bucket)
    {
        if (string.IsNullOrEmpty(bucket))
        {
            return "The bucket name is required for an S3 source.";
        }

        var quoted = Shorten(bucket);
        if (bucket.Length is < 3 or > 63)
        {
            return $"The bucket name '{quoted}' is {bucket.Length} characters long; S3 bucket names have 3 to 63.";
        }

        if (!BucketPattern().IsMatch(bucket))
        {
            return $"The bucket name '{quoted}' may contain only lower-case letters, digits, '.' and '-', and must start and end with a letter or digit.";
        }

        if (bucket.Contains("..", StringComparison.Ordinal))
        {
            return $"The bucket name '{quoted}' has two adjacent periods.";
        }

        if (IPAddress.TryParse(bucket, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && bucket.Count(c => c == '.') == 3)
        {
            return $"The bucket name '{quoted}' is written like an IP address, which S3 does not allow.";
        }

        string[] reservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
        string[] reservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
        var prefix = reservedPrefixes.FirstOrDefault(p => bucket.StartsWith(p, StringComparison.Ordinal));
        if (prefix is not null)
        {
            return $"The bucket name '{quoted}' starts with '{prefix}', which S3 reserves.";
        }

        var suffix = reservedSuffixes.FirstOrDefault(s => bucket.EndsWith(s, StringComparison.Ordinal));
        return suffix is null ? null : $"The bucket name '{quoted}' ends with '{suffix}', which S3 reserves.";
    }

    private static string? UrlError(string url)
    {
        if (url.Length > MaxUrlLength)
        {
            return $"is longer than {MaxUrlLength} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"'{Shorten(url)}' is not an absolute http or https URL";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "contains a user name or password, which belong in the AWS credentials, not the URL";
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return "has a query or fragment (after '?' or '#')";
        }

        return null;
    }

    private static IEnumerable<string> NormalizedAccounts(IList<string>? accountIds) =>
        (accountIds ?? []).Select(account => account.Trim()).Where(account => account.Length > 0).Distinct(StringComparer.Ordinal);

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shorten(string text)
    {
        var single = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return single.Length <= 64 ? single : single[..64] + "…";
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            list = [];
            errors[field] = list;
        }

        list.Add(message);
    }

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex BucketPattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,75}(\\.fifo)?$|^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex QueueNamePattern();
}
