using Vigil.Contracts.Storage;

namespace Vigil.Console.Security;

/// <summary>
/// The identity provider of OpenID Connect sign-in and bearer tokens (section <c>Vigil:Console:Oidc</c>).
/// The tenant and the role of a user come from claims of the ID token or access token.
/// </summary>
public sealed class OidcSettings
{
    /// <summary>The issuer URL; its <c>/.well-known/openid-configuration</c> is read at first use. Empty turns OpenID Connect off.</summary>
    public string? Authority { get; set; }

    /// <summary>The console's client id at the identity provider. Required with <see cref="Authority"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret; empty for a public client, which then relies on PKCE alone.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes requested at sign-in, separated by spaces (default "openid profile").</summary>
    public string Scopes { get; set; } = "openid profile";

    /// <summary>The audience that bearer tokens for the REST API must carry (default: <see cref="ClientId"/>).</summary>
    public string? Audience { get; set; }

    /// <summary>Claim with the user's name (default "preferred_username"; "sub" when the token lacks it).</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Claim with the user's tenant id (default "vigil_tenant"). The tenant must exist in Vigil.</summary>
    public string TenantClaim { get; set; } = "vigil_tenant";

    /// <summary>Claim with the user's roles, one value or several (default "roles").</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// Maps values of <see cref="RoleClaim"/> to console roles (analyst, tenant-admin, platform-operator).
    /// When empty, the claim must carry the console role names themselves. A user with several mapped
    /// values gets the highest role; a user with none cannot sign in.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Require HTTPS for the metadata address (default true). Only a loopback authority may turn it off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Name of the identity provider on the sign-in button (default "single sign-on").</summary>
    public string DisplayName { get; set; } = "single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Returns the console role for a role claim value, or null when the value maps to none.</summary>
    public string? MapRole(string value)
    {
        if (RoleMap.Count == 0)
        {
            return ConsoleRoles.IsKnown(value) ? value : null;
        }

        return RoleMap.TryGetValue(value, out var role) ? role : null;
    }

    internal void Validate(string prefix, List<string> failures)
    {
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{prefix}:Authority '{Authority}' is not an absolute http or https URL; set it to the identity provider's issuer URL.");
        }
        else if (authority.Scheme == Uri.UriSchemeHttp && (RequireHttpsMetadata || !authority.IsLoopback))
        {
            failures.Add($"{prefix}:Authority '{Authority}' uses http; use https, or set {prefix}:RequireHttpsMetadata=false for an identity provider on a loopback address.");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            failures.Add($"{prefix}:ClientId is missing; set it to the console's client id at the identity provider.");
        }

        if (!Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid", StringComparer.Ordinal))
        {
            failures.Add($"{prefix}:Scopes '{Scopes}' lacks 'openid'; OpenID Connect sign-in needs it.");
        }

        foreach (var (claim, key) in new[] { (NameClaim, "NameClaim"), (TenantClaim, "TenantClaim"), (RoleClaim, "RoleClaim") })
        {
            if (string.IsNullOrWhiteSpace(claim))
            {
                failures.Add($"{prefix}:{key} is empty; name the claim of the token that carries it.");
            }
        }

        foreach (var (value, role) in RoleMap)
        {
            if (!ConsoleRoles.IsKnown(role))
            {
                failures.Add($"{prefix}:RoleMap:{value} is '{role}', which is not a console role; use one of {string.Join(", ", ConsoleRoles.All)}.");
            }
        }
    }
}
