using Vigil.Abstractions;
using Vigil.Contracts.Storage;
using Vigil.Grains.Diagnostics;

namespace Vigil.Grains.Ingest;

/// <summary>
/// Collects the chunks of many objects per grain and sends each grain one call per window, which
/// carries the grain's chunk of every object in the window. A window is sent when it buffers
/// <c>maxRecords</c> records, when no object is being read any more, or <c>maxDelay</c> after its
/// first chunk, whichever comes first.
/// </summary>
/// <remarks>
/// Windows are sent one after the other, so a grain applies the chunks of one object in chunk order.
/// While one window is being sent, the next one fills. A sender that fills it past the limit waits
/// until the window before has been applied, which bounds the records held in memory to about two windows.
/// Each chunk's result task completes when its grain call returns, so an object is done only when
/// every grain applied its chunk and stored the findings.
/// </remarks>
internal sealed class GrainCallWindow<TRecord>(
    Func<string, string, IReadOnlyList<RecordChunk<TRecord>>, Task<IReadOnlyList<BatchResult>>> send,
    int maxRecords,
    TimeSpan maxDelay,
    TimeProvider clock,
    VigilInstruments instruments,
    ObjectKind kind)
{
    private readonly Lock gate = new();
    private Dictionary<string, PendingCall> pending = new(StringComparer.Ordinal);
    private int buffered;
    private long generation;
    private Task lastSend = Task.CompletedTask;

    /// <summary>
    /// Adds one object's chunk for one grain, and returns the task of the chunk's result. The returned
    /// value task completes once the chunk is buffered. It waits only when the window is full while
    /// the window before it is still being applied.
    /// </summary>
    public async ValueTask<Task<BatchResult>> AddAsync(string tenantId, string grainKey, string chunkKey, IReadOnlyList<TRecord> records)
    {
        var result = new TaskCompletionSource<BatchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? previous = null;
        lock (gate)
        {
            if (!pending.TryGetValue(grainKey, out var call))
            {
                call = new PendingCall(tenantId);
                pending[grainKey] = call;
            }

            call.Chunks.Add(new RecordChunk<TRecord>(chunkKey, records));
            call.Results.Add(result);
            if (buffered == 0)
            {
                _ = SendLaterAsync(generation);
            }

            buffered += records.Count;
            if (buffered >= maxRecords)
            {
                previous = SendLocked();
            }
        }

        if (previous is not null)
        {
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return result.Task;
    }

    /// <summary>Sends the buffered chunks now, after the window before them; does not wait for the calls.</summary>
    public void SendNow()
    {
        lock (gate)
        {
            SendLocked();
        }
    }

    /// <summary>Starts sending the current window after the previous one; returns the previous window's task.</summary>
    private Task SendLocked()
    {
        if (buffered == 0)
        {
            return Task.CompletedTask;
        }

        var calls = pending;
        pending = new Dictionary<string, PendingCall>(StringComparer.Ordinal);
        buffered = 0;
        generation++;
        var previous = lastSend;
        lastSend = SendAfterAsync(previous, calls);
        return previous;
    }

    private async Task SendLaterAsync(long windowGeneration)
    {
        await Task.Delay(maxDelay, clock).ConfigureAwait(false);
        lock (gate)
        {
            if (generation == windowGeneration)
            {
                SendLocked();
            }
        }
    }

    private async Task SendAfterAsync(Task previous, Dictionary<string, PendingCall> calls)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var sends = new List<Task>(calls.Count);
        foreach (var (grainKey, call) in calls)
        {
            sends.Add(SendOneAsync(grainKey, call));
        }

        await Task.WhenAll(sends);
    }

    /// <summary>Makes one grain call and completes each chunk's task with its result, or with the call's exception.</summary>
    private async Task SendOneAsync(string grainKey, PendingCall call)
    {
        var records = 0;
        foreach (var chunk in call.Chunks)
        {
            records += chunk.Records.Count;
        }

        instruments.RecordGrainCall(kind, records);
        try
        {
            var results = await send(grainKey, call.TenantId, call.Chunks);
            if (results.Count != call.Results.Count)
            {
                throw new InvalidOperationException($"Grain {grainKey} returned {results.Count} results for {call.Results.Count} chunks.");
            }

            for (var index = 0; index < results.Count; index++)
            {
                call.Results[index].TrySetResult(results[index]);
            }
        }
        catch (Exception exception)
        {
            foreach (var result in call.Results)
            {
                result.TrySetException(exception);
            }
        }
    }

    /// <summary>The chunks for one grain in the current window, and their result tasks in the same order.</summary>
    private sealed class PendingCall(string tenantId)
    {
        public string TenantId { get; } = tenantId;

        public List<RecordChunk<TRecord>> Chunks { get; } = [];

        public List<TaskCompletionSource<BatchResult>> Results { get; } = [];
    }
}
