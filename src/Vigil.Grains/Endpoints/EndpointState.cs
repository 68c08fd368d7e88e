using Vigil.Contracts.Detection;

namespace Vigil.Grains.Endpoints;

/// <summary>
/// Persisted state of an endpoint grain. Field ids are part of the stored format: never reuse or
/// renumber them.
/// </summary>
[GenerateSerializer]
[Alias("Vigil.EndpointState")]
public sealed class EndpointState
{
    /// <summary>Most recent chunk keys (<c>object#kind#chunk</c>) already applied, oldest first.</summary>
    [Id(0)]
    public List<string> AppliedChunks { get; set; } = [];

    [Id(1)]
    public long FlowsApplied { get; set; }

    [Id(2)]
    public long QueriesApplied { get; set; }

    /// <summary>Event time of the newest record applied.</summary>
    [Id(3)]
    public DateTimeOffset? LastEventTime { get; set; }

    /// <summary>Flow counters of the recent event-time windows, for the threshold findings.</summary>
    [Id(4)]
    public FlowWindowState FlowWindows { get; set; } = new();

    /// <summary>The serialised endpoint profile (<c>EndpointProfile.Serialize</c>); null before the first flow.</summary>
    [Id(5)]
    public byte[]? Profile { get; set; }
}
