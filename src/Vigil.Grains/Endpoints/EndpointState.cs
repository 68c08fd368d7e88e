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

    /// <summary>What was unusual in the endpoint's recent anomaly findings, oldest first, so analyst feedback can teach it.</summary>
    [Id(6)]
    public List<EndpointAnomalyMemory> RecentAnomalies { get; set; } = [];
}

/// <summary>The unusual profile values of one endpoint anomaly finding, as <c>DIMENSION</c> and value pairs.</summary>
[GenerateSerializer]
[Alias("Vigil.EndpointAnomalyMemory")]
public sealed class EndpointAnomalyMemory
{
    [Id(0)]
    public string FindingId { get; set; } = string.Empty;

    [Id(1)]
    public List<EndpointAnomalyValue> Values { get; set; } = [];
}

/// <summary>One unusual value: an endpoint profile dimension (<c>EndpointDimension</c> name) and the value.</summary>
[GenerateSerializer]
[Alias("Vigil.EndpointAnomalyValue")]
public sealed class EndpointAnomalyValue
{
    [Id(0)]
    public string Dimension { get; set; } = string.Empty;

    [Id(1)]
    public string Value { get; set; } = string.Empty;
}
