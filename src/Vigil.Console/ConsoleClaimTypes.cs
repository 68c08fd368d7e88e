using System.Security.Claims;

namespace Vigil.Console;

/// <summary>Claim types that the console puts into its authentication cookie.</summary>
public static class ConsoleClaimTypes
{
    /// <summary>
    /// The tenant whose findings the signed-in user may read. The console takes the tenant from this
    /// claim only, never from the URL or a form field.
    /// </summary>
    public const string Tenant = "vigil:tenant";

    /// <summary>
    /// Returns the value of the <see cref="Tenant"/> claim, or null when the principal is not
    /// authenticated or carries no non-empty tenant claim.
    /// </summary>
    public static string? FindTenantId(this ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var tenantId = user.FindFirst(Tenant)?.Value;
        return string.IsNullOrWhiteSpace(tenantId) ? null : tenantId;
    }
}
