using Vigil.Contracts.Storage;

namespace Vigil.Console.Sources;

/// <summary>
/// The settings of a source as a user enters them, in the console dialog or the REST API. Only
/// the fields of the chosen <see cref="Kind"/> are kept when it is saved.
/// </summary>
public sealed class SourceInput
{
    public string? Name { get; set; }

    /// <summary>The kind by its name: <c>Folder</c>, <c>S3Listing</c>, <c>S3Notifications</c> or <c>Firehose</c>.</summary>
    public string? Kind { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The 12-digit AWS account ids the source may deliver.</summary>
    public IList<string>? AccountIds { get; set; }

    public string? Folder { get; set; }

    public string? Bucket { get; set; }

    public string? Prefix { get; set; }

    public string? Region { get; set; }

    public string? ServiceUrl { get; set; }

    public string? QueueUrl { get; set; }

    public string? FlowLogFormat { get; set; }

    /// <summary>Copies the editable settings of a stored source.</summary>
    public static SourceInput From(SourceDefinition source) => new()
    {
        Name = source.Name,
        Kind = source.Kind.ToString(),
        Enabled = source.Enabled,
        AccountIds = [.. source.AccountIds],
        Folder = source.Folder,
        Bucket = source.Bucket,
        Prefix = source.Prefix,
        Region = source.Region,
        ServiceUrl = source.ServiceUrl,
        QueueUrl = source.QueueUrl,
        FlowLogFormat = source.FlowLogFormat,
    };
}
