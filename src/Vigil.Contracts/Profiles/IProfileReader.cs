namespace Vigil.Contracts.Profiles;

/// <summary>
/// Reads what the grains of one tenant have learned, for the console's profile pages. The caller
/// passes the tenant of the signed-in user and the key without the tenant, and the reader builds the
/// grain key from both, so a key from a URL can only name a grain of that tenant.
/// </summary>
public interface IProfileReader
{
    /// <summary>Returns the principal's summary and its account's, for a key <c>account/principal</c>.</summary>
    /// <exception cref="ArgumentException">The key is not of that form or longer than <see cref="ProfileKeys.MaxKeyLength"/>.</exception>
    Task<PrincipalProfileView> GetPrincipalAsync(string tenantId, string principalKey, CancellationToken cancellationToken);

    /// <summary>Returns the endpoint's summary, for a key <c>account/eni:id</c>, <c>account/instance:id</c> or <c>account/address:vpc/ip</c>.</summary>
    /// <exception cref="ArgumentException">The key is not of that form or longer than <see cref="ProfileKeys.MaxKeyLength"/>.</exception>
    Task<EndpointSummary> GetEndpointAsync(string tenantId, string endpointKey, CancellationToken cancellationToken);
}

/// <summary>A principal's summary beside the summary of its account's profile.</summary>
public sealed record PrincipalProfileView(PrincipalSummary Principal, BehaviorProfileSummary Account);

/// <summary>Checks of the keys that the profile pages accept.</summary>
public static class ProfileKeys
{
    /// <summary>Longest key accepted; grain keys longer than this are already shortened with a hash suffix when they are made.</summary>
    public const int MaxKeyLength = 600;

    private static readonly string[] EndpointPrefixes = ["eni:", "instance:", "address:"];

    /// <summary>Returns the account part of a key <c>account/rest</c>, or null when the key has no non-empty account and rest.</summary>
    public static string? AccountOf(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return null;
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 || slash == key.Length - 1 ? null : key[..slash];
    }

    /// <summary>True when the part after the account names a network endpoint rather than a principal.</summary>
    public static bool IsEndpoint(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var rest = slash < 0 ? key : key[(slash + 1)..];
        foreach (var prefix in EndpointPrefixes)
        {
            if (rest.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
