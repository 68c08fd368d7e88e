using System.Text.Json;
using Vigil.Contracts.Storage;
using Vigil.Ingestion.Objects;

namespace Vigil.Ingestion.Integrity;

/// <summary>
/// A local folder that stands for the root of a trail's S3 bucket: the object with key <c>K</c> is
/// the file <c>root/K</c>. S3 user metadata, which a plain copy of the bucket loses, is read from a
/// sidecar file <c>root/K.metadata.json</c> (see <see cref="MetadataSuffix"/>).
/// </summary>
public sealed class FolderTrailObjectStore : ITrailObjectStore
{
    /// <summary>
    /// Suffix of the sidecar file with an object's S3 user metadata. It contains either the output of
    /// <c>aws s3api head-object</c> (metadata under <c>Metadata</c>) or the metadata object alone, with
    /// names such as <c>signature</c> or <c>x-amz-meta-signature</c>.
    /// </summary>
    public const string MetadataSuffix = ".metadata.json";

    /// <summary>Largest sidecar file read, in bytes. A digest's metadata is under 1 KiB, most of it the 512-digit hex signature.</summary>
    public const int MaxMetadataBytes = 1024 * 1024;

    private readonly string root;

    public FolderTrailObjectStore(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The trail folder '{root}' does not exist.");
        }

        this.root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    public Task<IReadOnlyList<string>> ListDigestKeysAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> keys = [.. LogFileDiscovery.Enumerate(root).Where(entry => entry.Kind == ObjectKind.CloudTrailDigest).Select(entry => entry.Key)];
        return Task.FromResult(keys);
    }

    public Task<Stream?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (path is null || !File.Exists(path))
        {
            return Task.FromResult<Stream?>(null);
        }

        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Task.FromResult<Stream?>(stream);
    }

    public async Task<IReadOnlyDictionary<string, string>?> ReadUserMetadataAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (path is null || !File.Exists(path + MetadataSuffix))
        {
            return null;
        }

        var name = Path.GetFileName(path) + MetadataSuffix;
        var file = new FileInfo(path + MetadataSuffix);
        if (file.Length > MaxMetadataBytes)
        {
            throw new InvalidDataException($"the metadata file {name} is {file.Length} bytes, more than the limit of {MaxMetadataBytes}");
        }

        var content = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        return ParseMetadata(content, name);
    }

    /// <summary>
    /// Parses a sidecar file into S3 user metadata. Raises <see cref="InvalidDataException"/> naming
    /// <paramref name="name"/> and the position when the file is not a JSON object.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseMetadata(ReadOnlyMemory<byte> content, string name)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException(
                $"the metadata file {name} is not valid JSON at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1} of the line: {JsonErrors.WithoutPosition(exception)}");
        }

        using (document)
        {
            var metadata = document.RootElement;
            if (metadata.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"the metadata file {name} is not a JSON object");
            }

            foreach (var property in metadata.EnumerateObject())
            {
                if (string.Equals(property.Name, "Metadata", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Object)
                {
                    metadata = property.Value;
                    break;
                }
            }

            const string HeaderPrefix = "x-amz-meta-";
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in metadata.EnumerateObject().Where(property => property.Value.ValueKind == JsonValueKind.String))
            {
                var key = property.Name.ToLowerInvariant();
                values[key.StartsWith(HeaderPrefix, StringComparison.Ordinal) ? key[HeaderPrefix.Length..] : key] = property.Value.GetString()!;
            }

            return values;
        }
    }

    /// <summary>
    /// Returns the file for an S3 key, or null for keys no CloudTrail delivery has and that could
    /// leave the folder: empty, absolute, or with an empty, '.' or '..' segment or a backslash.
    /// </summary>
    private string? PathOf(string key)
    {
        if (key.Length == 0 || key.Contains('\\') || key.Contains('\0') || key.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar)));
        return path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path : null;
    }
}
