namespace Vigil.Grains.Principals;

/// <summary>
/// Persisted state of a principal grain. Field ids are part of the stored format: never reuse or
/// renumber them.
/// </summary>
[GenerateSerializer]
[Alias("Vigil.PrincipalState")]
public sealed class PrincipalState
{
    /// <summary>
    /// Recent CloudTrail event ids as text, oldest first, in the format written before
    /// <see cref="RecentEventIdHashes"/>. Only read, to load older states, and written empty.
    /// </summary>
    [Id(0)]
    public List<string> RecentEventIds { get; set; } = [];

    /// <summary>
    /// Recent chunk keys (<c>object#chunk</c>) already applied, as text, oldest first, in the format
    /// written before <see cref="AppliedChunkHashes"/>. Only read, to load older states, and written empty.
    /// </summary>
    [Id(1)]
    public List<string> AppliedChunks { get; set; } = [];

    [Id(2)]
    public long EventsApplied { get; set; }

    [Id(3)]
    public long DuplicatesDropped { get; set; }

    /// <summary>Event time of the newest event applied.</summary>
    [Id(4)]
    public DateTimeOffset? LastEventTime { get; set; }

    /// <summary>The principal's behaviour profile in the compact binary form of <c>PrincipalProfile.Serialize</c>.</summary>
    [Id(5)]
    public byte[]? Profile { get; set; }

    /// <summary>Recent CloudTrail event ids as hashes with event times, in the form of <c>RecentKeySet.Serialize</c>; null in states written before it.</summary>
    [Id(6)]
    public byte[]? RecentEventIdHashes { get; set; }

    /// <summary>Recent chunk keys already applied, as hashes, in the form of <c>RecentKeySet.Serialize</c>; null in states written before it.</summary>
    [Id(7)]
    public byte[]? AppliedChunkHashes { get; set; }
}
