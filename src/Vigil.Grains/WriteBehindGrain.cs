using Microsoft.Extensions.Logging;

namespace Vigil.Grains;

/// <summary>
/// Base of grains whose state is written behind: every <see cref="WriteBehindOptions.WritePeriod"/>
/// (30 seconds by default) when it changed, and on deactivation, never once per record. A subclass loads its working sets in
/// <see cref="OnStateLoaded"/>, copies them back in <see cref="PrepareWrite"/> and calls
/// <see cref="MarkDirty"/> after each change.
/// </summary>
public abstract class WriteBehindGrain<TState>(IPersistentState<TState> state, ILogger logger) : Grain
{
    private bool dirty;

    /// <summary>The persisted state, loaded before activation.</summary>
    protected TState Persisted => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        OnStateLoaded();
        var period = ServiceProvider.GetService(typeof(WriteBehindOptions)) is WriteBehindOptions options ? options.WritePeriod : WriteBehindOptions.DefaultWritePeriod;
        this.RegisterGrainTimer(FlushIfDirtyAsync, new GrainTimerCreationOptions(period, period) { Interleave = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await FlushIfDirtyAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The findings are already stored. Only what the grain remembers of applied records is
            // lost, so a redelivery after this point could count an occurrence twice.
            GrainLog.FlushFailed(logger, exception, this.GetPrimaryKeyString());
        }
    }

    /// <summary>Builds the working sets from <see cref="Persisted"/>.</summary>
    protected abstract void OnStateLoaded();

    /// <summary>Copies the working sets into <see cref="Persisted"/> just before it is written.</summary>
    protected abstract void PrepareWrite();

    protected void MarkDirty() => dirty = true;

    /// <summary>
    /// Returns the key under which this grain stores the findings of one chunk, for
    /// <c>IFindingSink.WriteOnceAsync</c>: 32 hex digits of the SHA-256 of the grain key and the chunk
    /// key. A chunk applied again, after this grain lost the state that remembers it, then adds nothing.
    /// </summary>
    protected string FindingWriteKey(string chunkKey) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{this.GetPrimaryKeyString()}\n{chunkKey}")))[..32];

    private async Task FlushIfDirtyAsync(CancellationToken cancellationToken)
    {
        if (!dirty)
        {
            return;
        }

        PrepareWrite();
        await state.WriteStateAsync(cancellationToken);
        dirty = false;
    }
}

/// <summary>How often write-behind grains write changed state; a silo without this registration uses the default.</summary>
public sealed record WriteBehindOptions
{
    public static readonly TimeSpan DefaultWritePeriod = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Period between state writes of a changed grain. A crash loses at most this much of what
    /// grains remember about applied records; findings are stored before a call returns.
    /// </summary>
    public TimeSpan WritePeriod { get; init; } = DefaultWritePeriod;
}

/// <summary>Log methods shared by the grains.</summary>
internal static partial class GrainLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Saving the state of grain {GrainKey} at deactivation failed")]
    public static partial void FlushFailed(ILogger logger, Exception exception, string grainKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chunk {ChunkKey} was already applied to grain {GrainKey}; skipped")]
    public static partial void ChunkAlreadyApplied(ILogger logger, string chunkKey, string grainKey);
}
