using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using Vigil.Console.Account;
using Vigil.Console.Findings;
using Vigil.Console.Sources;

namespace Vigil.Console;

/// <summary>Registers the services of the SOC console.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Lifetime of the session cookie. A request made after half of it has passed renews it
    /// (the cookie handler's sliding expiration).
    /// </summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>
    /// Adds the console: Razor components with interactive server rendering, MudBlazor, cookie
    /// authentication as the default scheme, authorization, antiforgery and the cascading
    /// authentication state.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The host must also register <see cref="Contracts.Storage.IFindingQueries"/>, <see cref="Contracts.Storage.IFindingTriage"/>,
    /// <see cref="Contracts.Storage.ISuppressionRuleStore"/>, <see cref="Contracts.Storage.ISavedFilterStore"/>,
    /// <see cref="Contracts.Storage.IAuditLog"/>, optionally <see cref="Contracts.Findings.IAnomalyFeedback"/>,
    /// <see cref="Contracts.Storage.IConsoleUserStore"/> and <see cref="Contracts.Storage.ISourceStore"/>.
    /// The console resolves them from the request or circuit scope, so any lifetime works.
    /// </para>
    /// <para>
    /// The authorization fallback policy requires an authenticated user for every endpoint that has
    /// no authorization metadata of its own, not only the console pages. Endpoints that must stay
    /// anonymous need <c>AllowAnonymous()</c>: static assets (<c>app.MapStaticAssets().AllowAnonymous()</c>,
    /// or the sign-in page loads without its CSS and scripts), health checks and machine-facing APIs.
    /// </para>
    /// </remarks>
    public static IServiceCollection AddVigilConsole(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery();

        // NOTE: an interactive circuit keeps the principal it started with. The cookie's expiry takes
        // effect on the next HTTP request (a page load or form post), not inside a running circuit.
        services
            .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
            {
                options.Cookie.Name = "vigil.console";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = SessionLifetime;
                options.SlidingExpiration = true;
                options.LoginPath = "/login";
                options.LogoutPath = AccountEndpoints.LogoutPath;
                options.AccessDeniedPath = "/login";
                options.ReturnUrlParameter = "returnUrl";

                // The REST API returns 401 and 403 instead of redirecting to the sign-in page.
                options.Events.OnRedirectToLogin = context => RejectApiOrRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RejectApiOrRedirect(context, StatusCodes.Status403Forbidden);
            });

        services
            .AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<SourceService>();
        services.TryAddScoped<SuppressionRuleService>();
        services.TryAddScoped(provider => new FindingFeedbackService(
            provider.GetRequiredService<Contracts.Storage.IFindingQueries>(),
            provider.GetRequiredService<Contracts.Storage.IFindingTriage>(),
            provider.GetService<Contracts.Findings.IAnomalyFeedback>(),
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FindingFeedbackService>>()));
        services.TryAddSingleton(new FindingLiveOptions());
        return services;
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
}
