using System.Security.Claims;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Security;

/// <summary>
/// Turns the claims of an identity provider's token into the console's principal: the user name,
/// one console role and the tenant, by the claim names and role map of <see cref="OidcSettings"/>.
/// </summary>
internal sealed class ExternalClaimMapper(OidcSettings settings, ITenantStore tenants)
{
    // Longer claim values are rejected: they come from outside and end up in logs and audit entries.
    private const int MaxValueLength = 256;

    /// <summary>Returns the console principal, or the reason the token's user may not sign in.</summary>
    public async Task<(ClaimsPrincipal? Principal, string? Error)> MapAsync(ClaimsPrincipal external, string signInMethod, string authenticationType, CancellationToken cancellationToken)
    {
        var name = FirstValue(external, settings.NameClaim) ?? FirstValue(external, "sub");
        if (name is null || name.Length > MaxValueLength)
        {
            return (null, $"the token has no usable '{settings.NameClaim}' or 'sub' claim");
        }

        var tenantId = FirstValue(external, settings.TenantClaim);
        if (!TenantIds.IsValid(tenantId))
        {
            return (null, $"the token's '{settings.TenantClaim}' claim is missing or not a tenant id");
        }

        if (await tenants.GetAsync(tenantId!, cancellationToken) is null)
        {
            return (null, $"tenant '{tenantId}' of the token's '{settings.TenantClaim}' claim does not exist in Vigil");
        }

        var role = HighestRole(external);
        if (role is null)
        {
            return (null, $"no value of the token's '{settings.RoleClaim}' claim maps to a console role");
        }

        Claim[] claims =
        [
            new(ClaimTypes.Name, name),
            new(ClaimTypes.Role, role),
            new(ConsoleClaimTypes.Tenant, tenantId!),
            new(ConsoleClaimTypes.HomeTenant, tenantId!),
            new(ConsoleClaimTypes.SignInMethod, signInMethod),
        ];
        return (new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role)), null);
    }

    private string? HighestRole(ClaimsPrincipal external)
    {
        string? best = null;
        foreach (var claim in external.FindAll(settings.RoleClaim))
        {
            if (claim.Value.Length > MaxValueLength)
            {
                continue;
            }

            var role = settings.MapRole(claim.Value);
            if (ConsoleRoles.Rank(role) > ConsoleRoles.Rank(best))
            {
                best = role;
            }
        }

        return best;
    }

    private static string? FirstValue(ClaimsPrincipal principal, string claimType)
    {
        var value = principal.FindFirst(claimType)?.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
