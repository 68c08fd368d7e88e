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
    /// The tenant the user belongs to. It equals <see cref="Tenant"/> except for a platform operator who
    /// switched to another tenant; the cookie handler checks that on every request.
    /// </summary>
    public const string HomeTenant = "vigil:home-tenant";

    /// <summary>How the user signed in: one of <see cref="SignInMethods"/>.</summary>
    public const string SignInMethod = "vigil:sign-in";

    /// <summary>The id of the API key that authenticated the request.</summary>
    public const string ApiKeyId = "vigil:api-key";

    /// <summary>Values of the <see cref="SignInMethod"/> claim.</summary>
    public static class SignInMethods
    {
        public const string LocalAccount = "local";
        public const string OpenIdConnect = "oidc";
        public const string BearerToken = "bearer";
        public const string ApiKey = "api-key";
    }

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

    /// <summary>Returns the <see cref="HomeTenant"/> claim, or the <see cref="Tenant"/> claim when the principal has none.</summary>
    public static string? FindHomeTenantId(this ClaimsPrincipal? user)
    {
        var home = user?.Identity?.IsAuthenticated == true ? user.FindFirst(HomeTenant)?.Value : null;
        return string.IsNullOrWhiteSpace(home) ? user.FindTenantId() : home;
    }

    /// <summary>Returns the user's role claim when it is one of the console roles, otherwise null.</summary>
    public static string? FindConsoleRole(this ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var role = user.FindFirst(ClaimTypes.Role)?.Value;
        return Contracts.Storage.ConsoleRoles.IsKnown(role) ? role : null;
    }

    /// <summary>The name written into audit entries and logs: the user name, or "api-key:NAME" for API keys.</summary>
    public static string ActorName(this ClaimsPrincipal user) => user.Identity?.Name ?? "(unknown)";
}
