using Vigil.Abstractions;
using Vigil.Contracts.Findings;
using Vigil.Detection;

namespace Vigil.Grains.Principals;

/// <summary>
/// Sends an analyst's "not useful" on an anomaly finding to the principal grain that raised it, found
/// by the principal key the detector wrote into <c>service.additionalInfo.principalKey</c>.
/// </summary>
public sealed class GrainAnomalyFeedback(IGrainFactory grains) : IAnomalyFeedback
{
    public async Task<bool> MarkNotUsefulAsync(string tenantId, Finding finding, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.Service.Detection?.Anomaly is null
            || finding.Service.AdditionalInfo?.TryGetValue("principalKey", out var principalKey) != true
            || string.IsNullOrEmpty(principalKey))
        {
            return false;
        }

        var grain = grains.GetGrain<IPrincipalGrain>(PrincipalKey.GrainKey(tenantId, principalKey));
        return await grain.MarkAnomalyNotUsefulAsync(tenantId, finding.Id).WaitAsync(cancellationToken);
    }
}
