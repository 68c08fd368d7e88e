namespace Vigil.Contracts.Cluster;

/// <summary>The state of the Orleans cluster, for the console's cluster page of platform operators.</summary>
public interface IClusterStatusReader
{
    /// <summary>Returns every silo the membership table knows, with the runtime statistics of the active ones, and the activations per grain type.</summary>
    Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken);
}

public sealed record ClusterStatus(IReadOnlyList<SiloSummary> Silos, IReadOnlyList<GrainTypeCount> GrainTypes);

/// <summary>One silo: its membership entry and, when it is active, its runtime statistics.</summary>
public sealed record SiloSummary
{
    /// <summary>The silo address as Orleans writes it (<c>ip:port@generation</c>).</summary>
    public required string Address { get; init; }

    public required string Name { get; init; }

    public required string HostName { get; init; }

    /// <summary>The membership status, such as <c>Active</c>, <c>ShuttingDown</c> or <c>Dead</c>.</summary>
    public required string Status { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    /// <summary>The last time the silo wrote that it is alive.</summary>
    public DateTimeOffset? IAmAliveTime { get; init; }

    public int? ActivationCount { get; init; }

    public int? RecentlyUsedActivationCount { get; init; }

    /// <summary>Processor use of the silo's process, 0 to 100.</summary>
    public double? CpuUsagePercent { get; init; }

    public long? MemoryUsageBytes { get; init; }

    public long? AvailableMemoryBytes { get; init; }

    /// <summary>The memory the process may use: the machine's, or the container's limit.</summary>
    public long? MaximumMemoryBytes { get; init; }

    public long? ReceivedMessages { get; init; }

    public long? SentMessages { get; init; }

    public bool? IsOverloaded { get; init; }

    public long? ClientCount { get; init; }
}

/// <summary>Activations of one grain type on one silo.</summary>
public sealed record GrainTypeCount(string GrainType, string SiloAddress, int Activations);
