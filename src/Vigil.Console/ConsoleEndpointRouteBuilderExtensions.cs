using Microsoft.AspNetCore.Builder;
using Vigil.Console.Account;
using Vigil.Console.Api;
using Vigil.Console.Components;

namespace Vigil.Console;

/// <summary>Maps the endpoints of the SOC console.</summary>
public static class ConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the console pages (<c>/</c>, <c>/login</c>, <c>/findings</c>, <c>/findings/{id}</c>,
    /// <c>/sources</c>, <c>/suppression-rules</c>) with interactive server rendering, the form endpoints
    /// <c>POST /account/login</c> and <c>POST /account/logout</c>, and the REST APIs of sources under
    /// <c>/api/sources</c>, findings under <c>/api/v1/findings</c> and suppression rules under
    /// <c>/api/v1/suppression-rules</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Call <see cref="ConsoleServiceCollectionExtensions.AddVigilConsole"/> on the services first.
    /// The host builds its pipeline in this order:
    /// </para>
    /// <code>
    /// app.UseAuthentication();
    /// app.UseAuthorization();
    /// app.UseAntiforgery();          // after authentication and authorization, before the endpoints
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
        app.MapSourceEndpoints();
        app.MapFindingEndpoints();
        app.MapSuppressionRuleEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
