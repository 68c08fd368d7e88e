using System.Text.RegularExpressions;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Export;

/// <summary>Checks an <see cref="ExportDestinationInput"/> and turns it into a stored destination.</summary>
public static partial class ExportDestinationValidator
{
    public const int MaxNameLength = 128;

    /// <summary>Returns the problems per field name (camel case, as the API spells them); empty when the input is valid.</summary>
    public static Dictionary<string, string[]> Validate(ExportDestinationInput input)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"Enter a name of 1 to {MaxNameLength} characters without control characters."];
        }

        if (!Enum.TryParse<ExportDocumentFormat>(input.Format ?? nameof(ExportDocumentFormat.EventBridge), ignoreCase: false, out _))
        {
            errors["format"] = ["The format must be EventBridge or Ocsf."];
        }

        if (!Enum.TryParse<ExportDestinationKind>(input.Kind, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
        {
            errors["kind"] = ["The kind must be Webhook, S3 or Syslog."];
            return errors;
        }

        switch (kind)
        {
            case ExportDestinationKind.Webhook:
                if (!IsHttpUrl(input.Url))
                {
                    errors["url"] = ["Enter an absolute http or https URL, such as https://siem.example.com/hooks/vigil."];
                }

                break;
            case ExportDestinationKind.S3:
                if (input.Bucket is null || !BucketName().IsMatch(input.Bucket))
                {
                    errors["bucket"] = ["Enter an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit."];
                }

                if (input.Prefix is { Length: > 0 } prefix && (prefix.Length > 512 || prefix.StartsWith('/') || prefix.Any(char.IsControl)))
                {
                    errors["prefix"] = ["The prefix must not start with '/', contain control characters or exceed 512 characters."];
                }

                if (input.Region is { Length: > 0 } region && !RegionName().IsMatch(region))
                {
                    errors["region"] = ["Enter an AWS region such as us-east-1, or leave it empty."];
                }

                if (input.EndpointUrl is { Length: > 0 } && !IsHttpUrl(input.EndpointUrl))
                {
                    errors["endpointUrl"] = ["Enter an absolute http or https URL of an S3-compatible store, or leave it empty for AWS."];
                }

                break;
            default:
                if (string.IsNullOrWhiteSpace(input.Host) || input.Host.Length > 253 || input.Host.Any(character => char.IsWhiteSpace(character) || char.IsControl(character)))
                {
                    errors["host"] = ["Enter the syslog receiver's host name or address."];
                }

                if (input.Port is not (>= 1 and <= 65535))
                {
                    errors["port"] = ["Enter a TCP port from 1 to 65535."];
                }

                if (input.TlsCertificateSha256 is { Length: > 0 } pin && !Sha256Hex().IsMatch(pin))
                {
                    errors["tlsCertificateSha256"] = ["Enter the certificate's SHA-256 as 64 hex digits, or leave it empty to use the system's trusted roots."];
                }

                break;
        }

        return errors;
    }

    /// <summary>Builds the destination to store from a valid input, keeping only the fields of its kind.</summary>
    public static ExportDestination ToDestination(ExportDestinationInput input, Guid id, string tenantId, DateTimeOffset at, string userName)
    {
        var kind = Enum.Parse<ExportDestinationKind>(input.Kind!);
        return new ExportDestination
        {
            Id = id,
            TenantId = tenantId,
            Name = input.Name!.Trim(),
            Kind = kind,
            Format = Enum.Parse<ExportDocumentFormat>(input.Format ?? nameof(ExportDocumentFormat.EventBridge)),
            Enabled = input.Enabled,
            Url = kind == ExportDestinationKind.Webhook ? input.Url : null,
            Bucket = kind == ExportDestinationKind.S3 ? input.Bucket : null,
            Prefix = kind == ExportDestinationKind.S3 ? Empty(input.Prefix) : null,
            Region = kind == ExportDestinationKind.S3 ? Empty(input.Region) : null,
            EndpointUrl = kind == ExportDestinationKind.S3 ? Empty(input.EndpointUrl) : null,
            Host = kind == ExportDestinationKind.Syslog ? input.Host!.Trim() : null,
            Port = kind == ExportDestinationKind.Syslog ? input.Port : null,
            UseTls = kind == ExportDestinationKind.Syslog && input.UseTls,
            TlsCertificateSha256 = kind == ExportDestinationKind.Syslog ? Empty(input.TlsCertificateSha256)?.ToLowerInvariant() : null,
            UpdatedAt = at,
            UpdatedBy = userName,
        };
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]$")]
    private static partial Regex RegionName();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
