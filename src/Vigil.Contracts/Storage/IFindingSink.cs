using Vigil.Contracts.Findings;

namespace Vigil.Contracts.Storage;

/// <summary>
/// Receives finding occurrences from the detectors and makes them durable, aggregated by finding id
/// with <see cref="FindingAggregation.Merge"/>. When the returned task completes, the findings are stored.
/// </summary>
public interface IFindingSink
{
    Task WriteAsync(string tenantId, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken);
}
