using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Console.Account;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Security;

/// <summary>
/// The authentication schemes of the console and the REST API. A policy scheme picks one per request:
/// requests under <c>/api</c> with an API key use <see cref="ApiKeyAuthenticationHandler"/>, those
/// with another bearer token use JWT bearer validation against the OpenID Connect provider, and
/// everything else uses the session cookie, which local and OpenID Connect sign-ins both issue.
/// </summary>
public static partial class ConsoleAuthentication
{
    /// <summary>The default scheme, which forwards to one of the others.</summary>
    public const string SelectorScheme = "vigil";

    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;

    public const string BearerScheme = JwtBearerDefaults.AuthenticationScheme;

    public const string ApiKeyScheme = ApiKeyAuthenticationHandler.SchemeName;

    /// <summary>Path of the OpenID Connect redirect back to the console, to register at the identity provider.</summary>
    public const string OidcCallbackPath = "/signin-oidc";

    internal static IServiceCollection AddConsoleAuthentication(this IServiceCollection services, ConsoleAuthenticationSettings settings)
    {
        var builder = services
            .AddAuthentication(options =>
            {
                options.DefaultScheme = SelectorScheme;
                options.DefaultSignInScheme = CookieScheme;
                options.DefaultSignOutScheme = CookieScheme;
            })
            .AddPolicyScheme(SelectorScheme, "Vigil", options => options.ForwardDefaultSelector = context => SelectScheme(context, settings))
            .AddCookie(CookieScheme, ConfigureCookie)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null);

        // The server-side session store, when the host has one; the cookie then carries only a session id.
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<IServiceProvider>((options, provider) => options.SessionStore ??= provider.GetService<IConsoleSessionStore>());

        if (settings.Oidc.Enabled)
        {
            builder.AddOpenIdConnect(OidcScheme, settings.Oidc.DisplayName, options => ConfigureOidc(options, settings.Oidc));
            builder.AddJwtBearer(BearerScheme, options => ConfigureBearer(options, settings.Oidc));
        }

        return services;
    }

    private static string SelectScheme(HttpContext context, ConsoleAuthenticationSettings settings)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return CookieScheme;
        }

        if (ApiKeyAuthenticationHandler.ReadKey(context.Request) is not null)
        {
            return ApiKeyScheme;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (settings.Oidc.Enabled && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return BearerScheme;
        }

        return CookieScheme;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "vigil.console";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = ConsoleServiceCollectionExtensions.SessionLifetime;
        options.SlidingExpiration = true;
        options.LoginPath = "/login";
        options.LogoutPath = AccountEndpoints.LogoutPath;
        options.AccessDeniedPath = "/access-denied";
        options.ReturnUrlParameter = "returnUrl";

        // The REST API returns 401 and 403 instead of redirecting to the sign-in page.
        options.Events.OnRedirectToLogin = context => RejectApiOrRedirect(context, StatusCodes.Status401Unauthorized);
        options.Events.OnRedirectToAccessDenied = context => RejectApiOrRedirect(context, StatusCodes.Status403Forbidden);
        options.Events.OnValidatePrincipal = PrincipalValidation.ValidateAsync;
    }

    private static void ConfigureOidc(OpenIdConnectOptions options, OidcSettings settings)
    {
        options.Authority = settings.Authority;
        options.ClientId = settings.ClientId;
        options.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        options.ResponseType = "code";
        options.UsePkce = true;

        // The code comes back in the query of a top-level GET, so the correlation and nonce cookies
        // can be SameSite=Lax and work over plain HTTP on loopback as well as over HTTPS.
        options.ResponseMode = "query";
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.CallbackPath = OidcCallbackPath;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.Scope.Clear();
        foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Scope.Add(scope);
        }

        options.Events.OnTokenValidated = async context =>
        {
            var (principal, error) = await MapAsync(context.HttpContext, settings, context.Principal, ConsoleClaimTypes.SignInMethods.OpenIdConnect, CookieScheme);
            if (principal is null)
            {
                context.Fail(error!);
                return;
            }

            context.Principal = principal;
            LogSignedIn(Logger(context.HttpContext), Display.DisplayText.SingleLine(principal.ActorName()), principal.FindTenantId()!, principal.FindConsoleRole()!);

            // Recorded so that tenant admins see the identity provider's users on the Users page.
            var services = context.HttpContext.RequestServices;
            await services.GetRequiredService<IConsoleUserStore>().RecordExternalSignInAsync(
                principal.FindTenantId()!,
                principal.Identity!.Name!,
                principal.FindConsoleRole()!,
                services.GetRequiredService<TimeProvider>().GetUtcNow(),
                context.HttpContext.RequestAborted);
        };
        options.Events.OnRemoteFailure = context =>
        {
            LogSignInFailed(Logger(context.HttpContext), Display.DisplayText.SingleLine(context.Failure?.Message ?? "unknown error"));
            context.Response.Redirect(context.Request.PathBase + "/login?error=" + SignInErrors.SingleSignOnFailed);
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static void ConfigureBearer(JwtBearerOptions options, OidcSettings settings)
    {
        options.Authority = settings.Authority;
        options.Audience = string.IsNullOrWhiteSpace(settings.Audience) ? settings.ClientId : settings.Audience;
        options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        options.MapInboundClaims = false;
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = async context =>
            {
                var (principal, error) = await MapAsync(context.HttpContext, settings, context.Principal, ConsoleClaimTypes.SignInMethods.BearerToken, BearerScheme);
                if (principal is null)
                {
                    LogBearerRejected(Logger(context.HttpContext), Display.DisplayText.SingleLine(error!));
                    context.Fail(error!);
                    return;
                }

                context.Principal = principal;
            },
        };
    }

    private static Task<(ClaimsPrincipal? Principal, string? Error)> MapAsync(HttpContext context, OidcSettings settings, ClaimsPrincipal? external, string method, string authenticationType)
    {
        if (external is null)
        {
            return Task.FromResult<(ClaimsPrincipal?, string?)>((null, "the token carried no claims"));
        }

        var mapper = new ExternalClaimMapper(settings, context.RequestServices.GetRequiredService<ITenantStore>());
        return mapper.MapAsync(external, method, authenticationType, context.RequestAborted);
    }

    private static Task RejectApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int statusCode)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = statusCode;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleAuthentication));

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} of tenant {TenantId} signed in by OpenID Connect with role {Role}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string tenantId, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in failed: {Reason}")]
    private static partial void LogSignInFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A bearer token was rejected: {Reason}")]
    private static partial void LogBearerRejected(ILogger logger, string reason);
}
