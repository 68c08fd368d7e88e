using Vigil.Abstractions;

namespace Vigil.Grains.Ingest;

/// <summary>
/// Buffers one object's records per owning grain and hands a chunk per grain to the kind's
/// <see cref="GrainCallWindow{TRecord}"/> once <c>chunkSize</c> records are buffered and at the end.
/// Chunk numbers count up per object, so a retried object sends the same chunks and grains can drop
/// the ones they applied. <see cref="CompleteAsync"/> waits until every grain applied its chunks.
/// </summary>
internal sealed class ChunkRouter<TRecord>(
    string tenantId,
    string objectKey,
    string kindName,
    Func<TRecord, string> grainKeyOf,
    Func<TRecord, DateTimeOffset?> timeOf,
    GrainCallWindow<TRecord> window,
    int chunkSize)
{
    private readonly Dictionary<string, List<TRecord>> pending = new(StringComparer.Ordinal);
    private readonly List<Task<BatchResult>> sent = [];
    private int buffered;
    private int chunkIndex;

    public RoutingTotals Totals { get; private set; } = new();

    public DateTimeOffset? NewestEventTime { get; private set; }

    public async ValueTask AddAsync(IReadOnlyList<TRecord> records)
    {
        var next = 0;
        while (next < records.Count)
        {
            next = Buffer(records, next);
            if (buffered >= chunkSize)
            {
                await FlushAsync();
            }
        }
    }

    /// <summary>
    /// Buffers records from <paramref name="start"/> until a chunk is full or none is left, and returns
    /// the index of the next record. It is not async, so a record that is a value type is not copied
    /// into the state machine of <see cref="AddAsync"/> on the heap.
    /// </summary>
    private int Buffer(IReadOnlyList<TRecord> records, int start)
    {
        var index = start;
        while (index < records.Count && buffered < chunkSize)
        {
            var record = records[index++];
            var key = grainKeyOf(record);
            if (!pending.TryGetValue(key, out var list))
            {
                // Most grains get one or two records of a chunk, and a flow record is a 152-byte value,
                // so the list starts with room for one instead of the default four.
                list = new List<TRecord>(1);
                pending[key] = list;
            }

            list.Add(record);
            buffered++;
            var time = timeOf(record);
            if (time is not null && (NewestEventTime is null || time > NewestEventTime))
            {
                NewestEventTime = time;
            }
        }

        return index;
    }

    /// <summary>Hands the buffered records to the window as one chunk per grain; does not wait for the grains.</summary>
    public async ValueTask FlushAsync()
    {
        if (buffered == 0)
        {
            return;
        }

        var chunkKey = RecordChunk.KeyFor(objectKey, kindName, chunkIndex);
        foreach (var (key, list) in pending)
        {
            sent.Add(await window.AddAsync(tenantId, key, chunkKey, list));
        }

        pending.Clear();
        buffered = 0;
        chunkIndex++;
    }

    /// <summary>Waits until every chunk handed to the window was applied, and adds up the grains' results.</summary>
    public async Task CompleteAsync()
    {
        var results = await Task.WhenAll(sent);
        sent.Clear();
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
