using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Vigil.Console.Display;
using Vigil.Console.Security;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Account;

/// <summary>The form endpoints behind the sign-in page and the sign-out button.</summary>
internal static partial class AccountEndpoints
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string OidcLoginPath = "/account/oidc";
    public const string SwitchTenantPath = "/account/tenant";

    // Longer values are rejected before they reach the password hasher, which is slow on purpose.
    internal const int MaxUserNameLength = 256;
    internal const int MaxPasswordLength = 1024;

    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Minimal APIs that bind [FromForm] parameters require an antiforgery token, which
        // UseAntiforgery validates. A request without a valid token gets 400 Bad Request.
        endpoints.MapPost(LoginPath, SignInAsync).AllowAnonymous();

        // Anonymous too, so that a user whose cookie expired can still clear it and reach the sign-in page.
        endpoints.MapPost(LogoutPath, SignOutAsync).AllowAnonymous();

        // A GET, so the sign-in page links to it: the redirect to the identity provider changes no state here.
        endpoints.MapGet(OidcLoginPath, ChallengeOidc).AllowAnonymous();
        endpoints.MapPost(SwitchTenantPath, SwitchTenantAsync).RequireAuthorization(ConsolePolicies.PlatformOperator);
    }

    internal static IResult ChallengeOidc(HttpContext context, [FromQuery(Name = "returnUrl")] string? returnUrl, ConsoleAuthenticationSettings settings)
    {
        if (!settings.Oidc.Enabled)
        {
            return Results.NotFound();
        }

        var properties = new AuthenticationProperties { RedirectUri = context.Request.PathBase + ReturnUrl.MakeLocal(returnUrl) };
        return Results.Challenge(properties, [ConsoleAuthentication.OidcScheme]);
    }

    /// <summary>
    /// Switches a platform operator's session to another existing tenant, or back to the home tenant.
    /// The new tenant goes into the session's ticket, never into the URL, and is checked again on
    /// every request.
    /// </summary>
    internal static async Task<IResult> SwitchTenantAsync(
        HttpContext context,
        [FromForm(Name = "tenantId")] string? tenantId,
        [FromForm(Name = "returnUrl")] string? returnUrl,
        [FromServices] ITenantStore tenants,
        ILoggerFactory loggerFactory)
    {
        var target = ReturnUrl.MakeLocal(returnUrl);
        if (!TenantIds.IsValid(tenantId) || await tenants.GetAsync(tenantId!, context.RequestAborted) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown tenant", detail: "The selected tenant does not exist.");
        }

        var user = context.User;
        var claims = user.Claims
            .Where(claim => claim.Type != ConsoleClaimTypes.Tenant && claim.Type != ConsoleClaimTypes.HomeTenant)
            .Append(new Claim(ConsoleClaimTypes.Tenant, tenantId!))
            .Append(new Claim(ConsoleClaimTypes.HomeTenant, user.FindHomeTenantId()!));
        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        LogTenantSwitched(loggerFactory.CreateLogger(typeof(AccountEndpoints)), DisplayText.SingleLine(user.ActorName()), tenantId!);
        return Results.Redirect(context.Request.PathBase + target);
    }

    internal static async Task<IResult> SignInAsync(
        HttpContext context,
        [FromForm(Name = "userName")] string? userName,
        [FromForm(Name = "password")] string? password,
        [FromForm(Name = "returnUrl")] string? returnUrl,
        IConsoleUserStore users,
        ConsoleAuthenticationSettings settings,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(AccountEndpoints));
        var target = ReturnUrl.MakeLocal(returnUrl);
        if (!settings.LocalAccountsEnabled)
        {
            return RedirectToLogin(context, SignInErrors.LocalAccountsOff, target);
        }

        if (string.IsNullOrWhiteSpace(userName)
            || string.IsNullOrEmpty(password)
            || userName.Length > MaxUserNameLength
            || password.Length > MaxPasswordLength)
        {
            LogSignInRejectedForm(logger);
            return RedirectToLogin(context, SignInErrors.InvalidCredentials, target);
        }

        var result = await users.SignInAsync(userName, password, context.RequestAborted);
        switch (result.Status)
        {
            case SignInStatus.Succeeded when result.User is not null:
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, CreatePrincipal(result.User));
                LogSignedIn(logger, result.User.UserName, result.User.TenantId);
                return Results.Redirect(context.Request.PathBase + target);

            case SignInStatus.Disabled:
                LogDisabled(logger, DisplayText.SingleLine(userName));
                return RedirectToLogin(context, SignInErrors.Disabled, target);

            // The user name comes from the form, so control characters are escaped before it is logged.
            case SignInStatus.LockedOut:
                LogLockedOut(logger, DisplayText.SingleLine(userName), result.LockedUntil);
                return RedirectToLogin(context, SignInErrors.LockedOut, target);

            default:
                LogInvalidCredentials(logger, DisplayText.SingleLine(userName));
                return RedirectToLogin(context, SignInErrors.InvalidCredentials, target);
        }
    }

    internal static async Task<IResult> SignOutAsync(HttpContext context, ILoggerFactory loggerFactory)
    {
        var userName = context.User.Identity?.Name;
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (userName is not null)
        {
            LogSignedOut(loggerFactory.CreateLogger(typeof(AccountEndpoints)), userName);
        }

        return Results.Redirect(context.Request.PathBase + "/login");
    }

    /// <summary>Builds the cookie principal: the user name, the role, the tenant and how the user signed in.</summary>
    internal static ClaimsPrincipal CreatePrincipal(ConsoleUser user)
    {
        Claim[] claims =
        [
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.Role, user.Role),
            new(ConsoleClaimTypes.Tenant, user.TenantId),
            new(ConsoleClaimTypes.HomeTenant, user.TenantId),
            new(ConsoleClaimTypes.SignInMethod, ConsoleClaimTypes.SignInMethods.LocalAccount),
        ];
        var identity = new ClaimsIdentity(
            claims,
            CookieAuthenticationDefaults.AuthenticationScheme,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    private static IResult RedirectToLogin(HttpContext context, string errorCode, string returnUrl)
    {
        var query = new Dictionary<string, StringValues>
        {
            ["error"] = errorCode,
        };
        if (returnUrl != ReturnUrl.Default)
        {
            query["returnUrl"] = returnUrl;
        }

        var location = context.Request.PathBase + "/login" + QueryString.Create(query).ToUriComponent();
        return Results.Redirect(location);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Console user {UserName} of tenant {TenantId} signed in")]
    private static partial void LogSignedIn(ILogger logger, string userName, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in failed for user {UserName}: invalid credentials")]
    private static partial void LogInvalidCredentials(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in rejected for user {UserName}: the account is locked until {LockedUntil}")]
    private static partial void LogLockedOut(ILogger logger, string userName, DateTimeOffset? lockedUntil);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in rejected: the user name or password is missing or too long")]
    private static partial void LogSignInRejectedForm(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in rejected for user {UserName}: the account is disabled")]
    private static partial void LogDisabled(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform operator {UserName} switched to tenant {TenantId}")]
    private static partial void LogTenantSwitched(ILogger logger, string userName, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console user {UserName} signed out")]
    private static partial void LogSignedOut(ILogger logger, string userName);
}
