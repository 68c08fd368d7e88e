using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Security;

/// <summary>
/// Checks the cookie principal on every request. A local user must still exist in the same tenant,
/// be enabled and have the same role. A tenant other than the home tenant is accepted only for a
/// platform operator and only while that tenant exists. Anything else signs the session out.
/// </summary>
internal static partial class PrincipalValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var reason = await FindProblemAsync(context.Principal, context.HttpContext.RequestServices, context.HttpContext.RequestAborted);
        if (reason is null)
        {
            return;
        }

        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PrincipalValidation));
        LogSessionRejected(logger, Display.DisplayText.SingleLine(context.Principal?.Identity?.Name ?? "(unknown)"), reason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Returns why the principal may no longer act, or null when it may.</summary>
    internal static async Task<string?> FindProblemAsync(ClaimsPrincipal? principal, IServiceProvider services, CancellationToken cancellationToken)
    {
        var role = principal.FindConsoleRole();
        var tenantId = principal.FindTenantId();
        var homeTenantId = principal.FindHomeTenantId();
        if (principal is null || role is null || tenantId is null || homeTenantId is null)
        {
            return "the session has no console role or tenant";
        }

        var method = principal.FindFirst(ConsoleClaimTypes.SignInMethod)?.Value ?? ConsoleClaimTypes.SignInMethods.LocalAccount;
        if (method == ConsoleClaimTypes.SignInMethods.LocalAccount)
        {
            var users = services.GetRequiredService<IConsoleUserStore>();
            var user = await users.GetAsync(homeTenantId, principal.Identity?.Name ?? string.Empty, cancellationToken);
            if (user is null || user.Disabled || user.Role != role)
            {
                return "the local user was removed, disabled or given another role";
            }
        }

        if (tenantId != homeTenantId)
        {
            if (role != ConsoleRoles.PlatformOperator)
            {
                return "only platform operators may act in another tenant";
            }

            if (await services.GetRequiredService<ITenantStore>().GetAsync(tenantId, cancellationToken) is null)
            {
                return $"the selected tenant '{tenantId}' no longer exists";
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The console session of {UserName} was signed out: {Reason}")]
    private static partial void LogSessionRejected(ILogger logger, string userName, string reason);
}
