namespace Vigil.Ingestion.Integrity;

/// <summary>
/// The objects of the one S3 bucket a trail delivers to, as <see cref="TrailValidator"/> reads them:
/// digest keys, object content, and the S3 user metadata that carries a digest's own signature.
/// </summary>
public interface ITrailObjectStore
{
    /// <summary>Lists the keys that may be digest files (keys containing <c>CloudTrail-Digest</c>). The caller checks the layout.</summary>
    Task<IReadOnlyList<string>> ListDigestKeysAsync(CancellationToken cancellationToken);

    /// <summary>Opens an object as stored (gzip or not), or returns null when no object has that key.</summary>
    Task<Stream?> OpenAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Returns an object's S3 user metadata with names in lower case and without the <c>x-amz-meta-</c>
    /// prefix (for a digest: <c>signature</c> and <c>signature-algorithm</c>), or null when none is
    /// stored. Raises <see cref="InvalidDataException"/> when stored metadata cannot be read.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>?> ReadUserMetadataAsync(string key, CancellationToken cancellationToken);
}
