namespace Vigil.Grains.Principals;

/// <summary>
/// Persisted state of a principal grain. Field ids are part of the stored format: never reuse or
/// renumber them.
/// </summary>
[GenerateSerializer]
[Alias("Vigil.PrincipalState")]
public sealed class PrincipalState
{
    /// <summary>Most recent CloudTrail event ids, oldest first, used to drop duplicate deliveries.</summary>
    [Id(0)]
    public List<string> RecentEventIds { get; set; } = [];

    /// <summary>Most recent chunk keys (<c>object#chunk</c>) already applied, oldest first.</summary>
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
}
