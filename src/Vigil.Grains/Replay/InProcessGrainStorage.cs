using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace Vigil.Grains.Replay;

/// <summary>
/// Grain storage in a dictionary of this process, with ETag checks, for replays and tests. Unlike
/// Orleans' memory storage it needs no storage grains, so it still works while the silo shuts down
/// and grains save their state on deactivation.
/// </summary>
public sealed class InProcessGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), (object State, int Version)> states = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (states.TryGetValue((stateName, grainId), out var stored))
        {
            grainState.State = (T)stored.State;
            grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var expected = grainState.ETag;
        var version = states.AddOrUpdate(
            key,
            _ => expected is null ? ((object)grainState.State!, 1) : throw Conflict(grainId, expected, null),
            (_, current) => expected == current.Version.ToString(CultureInfo.InvariantCulture)
                ? ((object)grainState.State!, current.Version + 1)
                : throw Conflict(grainId, expected, current.Version)).Version;
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        states.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static InconsistentStateException Conflict(GrainId grainId, string? expected, int? stored) =>
        new($"State of {grainId} changed since it was read (ETag {expected ?? "none"}, stored version {stored?.ToString(CultureInfo.InvariantCulture) ?? "none"}).");
}
