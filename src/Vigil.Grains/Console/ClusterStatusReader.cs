using Orleans.Runtime;
using Vigil.Contracts.Cluster;

namespace Vigil.Grains.Console;

/// <summary>Reads the cluster's membership, silo statistics and activations through Orleans' management grain.</summary>
public sealed class ClusterStatusReader(IGrainFactory grains) : IClusterStatusReader
{
    public async Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);
        var active = hosts.Where(host => host.Status == Orleans.Runtime.SiloStatus.Active).Select(host => host.SiloAddress).ToArray();
        var statistics = active.Length == 0 ? [] : await management.GetRuntimeStatistics(active).WaitAsync(cancellationToken);
        var bySilo = new Dictionary<SiloAddress, SiloRuntimeStatistics>();
        for (var i = 0; i < active.Length && i < statistics.Length; i++)
        {
            bySilo[active[i]] = statistics[i];
        }

        var grainStatistics = active.Length == 0 ? [] : await management.GetSimpleGrainStatistics(active).WaitAsync(cancellationToken);
        var silos = hosts
            .OrderBy(host => host.Status == Orleans.Runtime.SiloStatus.Active ? 0 : 1)
            .ThenBy(host => host.SiloName, StringComparer.Ordinal)
            .Select(host => ToSummary(host, bySilo.GetValueOrDefault(host.SiloAddress)))
            .ToList();
        var grainTypes = grainStatistics
            .Select(statistic => new GrainTypeCount(statistic.GrainType, statistic.SiloAddress.ToParsableString(), statistic.ActivationCount))
            .OrderByDescending(count => count.Activations)
            .ThenBy(count => count.GrainType, StringComparer.Ordinal)
            .ToList();
        return new ClusterStatus(silos, grainTypes);
    }

    private static SiloSummary ToSummary(MembershipEntry host, SiloRuntimeStatistics? statistics) => new()
    {
        Address = host.SiloAddress.ToParsableString(),
        Name = host.SiloName ?? string.Empty,
        HostName = host.HostName ?? string.Empty,
        Status = host.Status.ToString(),
        StartTime = host.StartTime == default ? null : new DateTimeOffset(DateTime.SpecifyKind(host.StartTime, DateTimeKind.Utc)),
        IAmAliveTime = host.IAmAliveTime == default ? null : new DateTimeOffset(DateTime.SpecifyKind(host.IAmAliveTime, DateTimeKind.Utc)),
        ActivationCount = statistics?.ActivationCount,
        RecentlyUsedActivationCount = statistics?.RecentlyUsedActivationCount,
        CpuUsagePercent = statistics?.EnvironmentStatistics.FilteredCpuUsagePercentage,
        MemoryUsageBytes = statistics?.EnvironmentStatistics.FilteredMemoryUsageBytes,
        AvailableMemoryBytes = statistics?.EnvironmentStatistics.FilteredAvailableMemoryBytes,
        MaximumMemoryBytes = statistics?.EnvironmentStatistics.MaximumAvailableMemoryBytes,
        ReceivedMessages = statistics?.ReceivedMessages,
        SentMessages = statistics?.SentMessages,
        IsOverloaded = statistics?.IsOverloaded,
        ClientCount = statistics?.ClientCount,
    };
}
