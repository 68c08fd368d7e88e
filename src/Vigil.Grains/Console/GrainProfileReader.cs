using Vigil.Abstractions;
using Vigil.Contracts.Profiles;

namespace Vigil.Grains.Console;

/// <summary>
/// Reads principal, account and endpoint summaries from the grains for the console. The grain key
/// is always the caller's tenant, a slash and the key, so a key can only reach that tenant's grains.
/// </summary>
public sealed class GrainProfileReader(IGrainFactory grains) : IProfileReader
{
    public async Task<PrincipalProfileView> GetPrincipalAsync(string tenantId, string principalKey, CancellationToken cancellationToken)
    {
        var account = CheckKey(tenantId, principalKey, endpoint: false);
        var principal = grains.GetGrain<IPrincipalGrain>($"{tenantId}/{principalKey}").GetSummaryAsync(tenantId).WaitAsync(cancellationToken);
        var accountProfile = grains.GetGrain<IAccountProfileGrain>($"{tenantId}/{account}").GetSummaryAsync(tenantId).WaitAsync(cancellationToken);
        return new PrincipalProfileView(await principal, await accountProfile);
    }

    public Task<EndpointSummary> GetEndpointAsync(string tenantId, string endpointKey, CancellationToken cancellationToken)
    {
        CheckKey(tenantId, endpointKey, endpoint: true);
        return grains.GetGrain<IEndpointGrain>($"{tenantId}/{endpointKey}").GetSummaryAsync(tenantId).WaitAsync(cancellationToken);
    }

    /// <summary>Returns the account part of the key after checking the tenant and the key's form.</summary>
    private static string CheckKey(string tenantId, string key, bool endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (tenantId.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tenant id '{tenantId}' contains '/', which would move the grain key into another tenant.", nameof(tenantId));
        }

        var account = ProfileKeys.AccountOf(key);
        if (account is null || ProfileKeys.IsEndpoint(key!) != endpoint)
        {
            var form = endpoint ? "account/eni:id, account/instance:id or account/address:vpc/ip" : "account/principal";
            throw new ArgumentException($"Key '{key}' is not of the form {form} with at most {ProfileKeys.MaxKeyLength} characters.", nameof(key));
        }

        return account;
    }
}
