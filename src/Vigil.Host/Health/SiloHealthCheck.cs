using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Vigil.Host.Health;

/// <summary>Ready only while this silo is an active member of the cluster.</summary>
public sealed class SiloHealthCheck(ISiloStatusOracle siloStatus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = siloStatus.CurrentStatus;
        var result = status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {siloStatus.SiloName} is active.")
            : HealthCheckResult.Unhealthy($"Silo {siloStatus.SiloName} is {status}.");
        return Task.FromResult(result);
    }
}
