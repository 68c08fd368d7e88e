using Microsoft.AspNetCore.Builder;
using Vigil.Console.Account;
using Vigil.Console.Components;

namespace Vigil.Console;

/// <summary>Maps the endpoints of the SOC console.</summary>
public static class ConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the console pages (<c>/</c>, <c>/login</c>, <c>/findings</c>, <c>/findings/{id}</c>) with
    /// interactive server rendering, and the form endpoints <c>POST /account/login</c> and
    /// <c>POST /account/logout</c>.
    /// </summary>
    /// <remarks>
    /// Call <see cref="ConsoleServiceCollectionExtensions.AddVigilConsole"/> on the services first.
    /// The host builds its pipeline in this order:
    /// <code>
    /// app.UseAuthentication();
    /// app.UseAuthorization();
    /// app.UseAntiforgery();          // after authentication and authorization, before the endpoints
    /// app.MapStaticAssets().AllowAnonymous();
    /// app.MapVigilConsole();
    /// </code>
    /// <c>MapStaticAssets</c> serves MudBlazor's files and <c>_framework/blazor.web.js</c> from the build
    /// output. In development, <c>builder.WebHost.UseStaticWebAssets()</c> makes the files of referenced
    /// packages and projects available when the host does not run from a published folder.
    /// </remarks>
    public static WebApplication MapVigilConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
