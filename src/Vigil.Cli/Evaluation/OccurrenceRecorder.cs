using System.Collections.Concurrent;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Cli.Evaluation;

/// <summary>
/// A finding sink that keeps every occurrence the grains write (one per finding and chunk, before
/// aggregation) and passes it on to the store. Occurrences of one finding id aggregate into one
/// stored finding, so only the occurrences show when each attack and each false alarm happened.
/// </summary>
internal sealed class OccurrenceRecorder(IFindingSink inner) : IFindingSink
{
    private readonly ConcurrentQueue<Finding> occurrences = new();
    private readonly ConcurrentDictionary<string, byte> writeKeys = new(StringComparer.Ordinal);

    public IReadOnlyList<Finding> Occurrences => [.. occurrences];

    /// <summary>Forgets the occurrences recorded so far, so the next folder pass is evaluated on its own.</summary>
    public void Clear() => occurrences.Clear();

    public async Task WriteAsync(string tenantId, IReadOnlyList<Finding> findings, CancellationToken cancellationToken)
    {
        await inner.WriteAsync(tenantId, findings, cancellationToken);
        foreach (var finding in findings)
        {
            occurrences.Enqueue(finding);
        }
    }

    public async Task WriteOnceAsync(string tenantId, string writeKey, IReadOnlyList<Finding> findings, CancellationToken cancellationToken)
    {
        await inner.WriteOnceAsync(tenantId, writeKey, findings, cancellationToken);
        if (writeKeys.TryAdd(tenantId + "\n" + writeKey, 0))
        {
            foreach (var finding in findings)
            {
                occurrences.Enqueue(finding);
            }
        }
    }
}
