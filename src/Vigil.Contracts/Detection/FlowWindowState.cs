namespace Vigil.Contracts.Detection;

/// <summary>
/// The flow counters of one network endpoint over recent event-time windows, kept by the endpoint
/// grain between batches so that threshold findings (port scans, brute force, denial of service) see
/// flows from many log files. The detection library bounds its size: a few windows, a fixed number
/// of counters per window and a fixed number of distinct values per counter.
/// </summary>
public sealed class FlowWindowState
{
    /// <summary>The windows still open, oldest first.</summary>
    public List<FlowWindow> Windows { get; set; } = [];

    /// <summary>Records whose event time fell before the oldest window kept, so they were not counted.</summary>
    public long LateRecords { get; set; }

    /// <summary>Counters not created because their window already had the maximum number of counters.</summary>
    public long DroppedCounters { get; set; }
}

/// <summary>The counters of one tumbling window of event time.</summary>
public sealed class FlowWindow
{
    /// <summary>The start of the window; it covers [Start, Start + window length).</summary>
    public DateTimeOffset Start { get; set; }

    /// <summary>Counters keyed by what they count, such as <c>ssh-target|203.0.113.9</c>.</summary>
    public Dictionary<string, FlowCounter> Counters { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One threshold counter: a running total, the distinct values seen (up to the threshold) and whether it already raised its finding.</summary>
public sealed class FlowCounter
{
    public long Total { get; set; }

    public HashSet<string> Distinct { get; set; } = new(StringComparer.Ordinal);

    public bool Raised { get; set; }
}
