namespace Vigil.Ingestion.Integrity;

/// <summary>
/// Lists the digest keys of another store once and returns that listing on every later call, so
/// one validation pass lists a bucket once however often it calls. Opening objects and reading
/// metadata go to the inner store each time. Create one per validation pass.
/// </summary>
public sealed class ListingSnapshotTrailObjectStore(ITrailObjectStore inner) : ITrailObjectStore
{
    private IReadOnlyList<string>? keys;

    public async Task<IReadOnlyList<string>> ListDigestKeysAsync(CancellationToken cancellationToken) =>
        keys ??= await inner.ListDigestKeysAsync(cancellationToken);

    public Task<Stream?> OpenAsync(string key, CancellationToken cancellationToken) => inner.OpenAsync(key, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>?> ReadUserMetadataAsync(string key, CancellationToken cancellationToken) =>
        inner.ReadUserMetadataAsync(key, cancellationToken);
}
