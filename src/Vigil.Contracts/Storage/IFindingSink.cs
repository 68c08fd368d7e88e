using Vigil.Contracts.Findings;

namespace Vigil.Contracts.Storage;

/// <summary>
/// Receives finding occurrences from the detectors and makes them durable, aggregated by finding id
/// with <see cref="FindingAggregation.Merge"/>. When the returned task completes, the findings are stored.
/// </summary>
public interface IFindingSink
{
    Task WriteAsync(string tenantId, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the occurrences like <see cref="WriteAsync"/>, but at most once per
    /// <paramref name="writeKey"/> and tenant. A second write with the same key changes nothing.
    /// Grains pass a key derived from the grain and the chunk they applied, so a chunk that is sent
    /// again after a crash or a lost reply does not count its occurrences twice.
    /// </summary>
    Task WriteOnceAsync(string tenantId, string writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken);
}
