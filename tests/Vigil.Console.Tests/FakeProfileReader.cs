using Vigil.Contracts.Profiles;

namespace Vigil.Console.Tests;

/// <summary>An <see cref="IProfileReader"/> that serves summaries a test put in per tenant and key, and records every request.</summary>
internal sealed class FakeProfileReader : IProfileReader
{
    public Dictionary<(string TenantId, string Key), PrincipalProfileView> Principals { get; } = [];

    public Dictionary<(string TenantId, string Key), EndpointSummary> Endpoints { get; } = [];

    public List<(string TenantId, string Key)> Requests { get; } = [];

    public Task<PrincipalProfileView> GetPrincipalAsync(string tenantId, string principalKey, CancellationToken cancellationToken)
    {
        Requests.Add((tenantId, principalKey));
        return Task.FromResult(Principals.GetValueOrDefault((tenantId, principalKey))
            ?? new PrincipalProfileView(new PrincipalSummary { Key = principalKey, Profile = BehaviorProfileSummary.Empty }, BehaviorProfileSummary.Empty));
    }

    public Task<EndpointSummary> GetEndpointAsync(string tenantId, string endpointKey, CancellationToken cancellationToken)
    {
        Requests.Add((tenantId, endpointKey));
        return Task.FromResult(Endpoints.GetValueOrDefault((tenantId, endpointKey)) ?? new EndpointSummary { Key = endpointKey });
    }
}
