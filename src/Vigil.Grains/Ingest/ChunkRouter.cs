using Vigil.Abstractions;
using Vigil.Contracts.Storage;
using Vigil.Grains.Diagnostics;

namespace Vigil.Grains.Ingest;

/// <summary>
/// Buffers one object's records per owning grain and sends a chunk, one call per grain, once
/// <c>chunkSize</c> records are buffered and at the end. Chunk numbers count up per object, so a
/// retried object sends the same chunks and grains can drop the ones they applied. Each call is
/// counted on <see cref="VigilInstruments"/> under <c>kind</c>, with the number of records it carries.
/// </summary>
internal sealed class ChunkRouter<TRecord>(
    Func<TRecord, string> keyOf,
    Func<TRecord, DateTimeOffset?> timeOf,
    Func<string, int, List<TRecord>, Task<BatchResult>> send,
    int chunkSize,
    VigilInstruments instruments,
    ObjectKind kind)
{
    private readonly Dictionary<string, List<TRecord>> pending = new(StringComparer.Ordinal);
    private int buffered;
    private int chunkIndex;

    public RoutingTotals Totals { get; private set; } = new();

    public DateTimeOffset? NewestEventTime { get; private set; }

    public async ValueTask AddAsync(IReadOnlyList<TRecord> records)
    {
        foreach (var record in records)
        {
            var key = keyOf(record);
            if (!pending.TryGetValue(key, out var list))
            {
                list = [];
                pending[key] = list;
            }

            list.Add(record);
            buffered++;
            var time = timeOf(record);
            if (time is not null && (NewestEventTime is null || time > NewestEventTime))
            {
                NewestEventTime = time;
            }

            if (buffered >= chunkSize)
            {
                await FlushAsync();
            }
        }
    }

    public async Task FlushAsync()
    {
        if (buffered == 0)
        {
            return;
        }

        var calls = new List<Task<BatchResult>>(pending.Count);
        foreach (var (key, list) in pending)
        {
            instruments.RecordGrainCall(kind, list.Count);
            calls.Add(send(key, chunkIndex, list));
        }

        var results = await Task.WhenAll(calls);
        pending.Clear();
        buffered = 0;
        chunkIndex++;
        foreach (var result in results)
        {
            Totals = Totals with
            {
                Read = Totals.Read + result.Applied + result.Duplicates,
                Duplicates = Totals.Duplicates + result.Duplicates,
                Findings = Totals.Findings + result.FindingsRaised,
            };
        }
    }
}

/// <summary>Records sent to grains, rejected by the reader, dropped as duplicates, and finding occurrences raised.</summary>
internal sealed record RoutingTotals(long Read = 0, long Rejected = 0, long Duplicates = 0, long Findings = 0);
