using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Vigil.Console.Account;
using Vigil.Console.Api;
using Vigil.Console.Components;
using Vigil.Console.Components.Pages;
using Vigil.Console.Security;

namespace Vigil.Console;

/// <summary>Maps the endpoints of the SOC console.</summary>
public static class ConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Adds the console's middleware in order: security headers, the console's error page for empty
    /// error responses outside the API, authentication, authorization, antiforgery, and the
    /// antiforgery check of form posts that ASP.NET Core leaves out (<see cref="CookieFormAntiforgery"/>).
    /// Call it before any endpoint is mapped.
    /// </summary>
    public static WebApplication UseVigilConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseVigilSecurityHeaders();

        // An address that matches no endpoint gets an empty 404, which the browser shows as its own
        // error. This renders the console's page instead. The API keeps its plain status codes for
        // programs, and form posts keep theirs, because re-executing a post would post again.
        app.UseStatusCodePagesWithReExecute(StatusPage.PathFormat, createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (request.Path.StartsWithSegments("/api") || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
            {
                context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<CookieFormAntiforgery>();
        return app;
    }

    /// <summary>
    /// Maps the console pages with interactive server rendering, the form endpoints under
    /// <c>/account</c>, the REST API under <c>/api/v1</c> with its OpenAPI document, and the
    /// redirect of the unversioned <c>/api/sources</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Call <see cref="ConsoleServiceCollectionExtensions.AddVigilConsole"/> on the services and
    /// <see cref="UseVigilConsole"/> on the application first, then:
    /// </para>
    /// <code>
    /// app.MapStaticAssets().AllowAnonymous();
    /// app.MapVigilConsole();
    /// </code>
    /// <para>
    /// <c>MapStaticAssets</c> serves MudBlazor's files, the console's stylesheet and
    /// <c>_framework/blazor.web.js</c> from the build output. <c>AllowAnonymous()</c> is needed because
    /// the fallback policy of <see cref="ConsoleServiceCollectionExtensions.AddVigilConsole"/> would
    /// otherwise redirect the sign-in page's own CSS and scripts to the sign-in page. A host that runs
    /// from its build folder rather than a published one calls <c>builder.WebHost.UseStaticWebAssets()</c>
    /// so that the files of referenced packages resolve. <c>WebApplication.CreateBuilder</c> does this
    /// itself in the Development environment.
    /// </para>
    /// <para>
    /// The host project file must set <c>&lt;RequiresAspNetWebAssets&gt;true&lt;/RequiresAspNetWebAssets&gt;</c>.
    /// The .NET SDK (checked with 10.0.401) sets it only for web projects that contain <c>.razor</c>
    /// files. Without it, <c>blazor.web.js</c> is not a static asset and <c>MapRazorComponents</c> serves
    /// it behind the fallback policy, so anonymous requests for it are redirected to the sign-in page.
    /// </para>
    /// </remarks>
    public static WebApplication MapVigilConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapAccountEndpoints();
        app.MapConsoleApi();
        app.MapVigilOpenApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
