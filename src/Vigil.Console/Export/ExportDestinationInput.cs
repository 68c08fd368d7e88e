using Vigil.Contracts.Storage;

namespace Vigil.Console.Export;

/// <summary>
/// The settings of an export destination as a user enters them, in the console or the REST API.
/// Only the fields of the chosen <see cref="Kind"/> are kept when it is saved.
/// </summary>
public sealed class ExportDestinationInput
{
    public string? Name { get; set; }

    /// <summary><c>Webhook</c>, <c>S3</c> or <c>Syslog</c>.</summary>
    public string? Kind { get; set; }

    /// <summary><c>EventBridge</c> (default) or <c>Ocsf</c>.</summary>
    public string? Format { get; set; }

    public bool Enabled { get; set; } = true;

    public string? Url { get; set; }

    public string? Bucket { get; set; }

    public string? Prefix { get; set; }

    public string? Region { get; set; }

    public string? EndpointUrl { get; set; }

    public string? Host { get; set; }

    public int? Port { get; set; }

    public bool UseTls { get; set; }

    public string? TlsCertificateSha256 { get; set; }

    /// <summary>Copies the editable settings of a stored destination.</summary>
    public static ExportDestinationInput From(ExportDestination destination) => new()
    {
        Name = destination.Name,
        Kind = destination.Kind.ToString(),
        Format = destination.Format.ToString(),
        Enabled = destination.Enabled,
        Url = destination.Url,
        Bucket = destination.Bucket,
        Prefix = destination.Prefix,
        Region = destination.Region,
        EndpointUrl = destination.EndpointUrl,
        Host = destination.Host,
        Port = destination.Port,
        UseTls = destination.UseTls,
        TlsCertificateSha256 = destination.TlsCertificateSha256,
    };
}
