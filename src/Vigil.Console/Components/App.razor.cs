using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;

namespace Vigil.Console.Components;

/// <summary>The HTML document of the console.</summary>
public partial class App
{
    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    // Pages marked [ExcludeFromInteractiveRouting], such as the sign-in page, render as static HTML,
    // so their forms post straight to the server. Every other page runs in an interactive server circuit.
    private IComponentRenderMode? PageRenderMode =>
        HttpContext.AcceptsInteractiveRouting() ? RenderMode.InteractiveServer : null;

    // Relative links ("findings", "account/logout") resolve against this, which keeps them right
    // when the host serves the console under a path base.
    private string BaseHref => HttpContext.Request.PathBase.ToUriComponent() + "/";

    // The inline import map needs the request's nonce, because the Content-Security-Policy allows no other inline script.
    private string? Nonce => Security.SecurityHeaders.GetNonce(HttpContext);
}
