using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Vigil.Console.Security;

/// <summary>
/// Adds the security headers to every response: a strict Content-Security-Policy with a fresh script
/// nonce per request, X-Content-Type-Options, Referrer-Policy, X-Frame-Options, Cross-Origin-Opener-Policy
/// and, on HTTPS requests, Strict-Transport-Security.
/// </summary>
/// <remarks>
/// What the policy allows, and why: scripts come only from this origin (blazor.web.js, MudBlazor.min.js)
/// or carry the nonce, as the import map that Blazor renders inline does. There is no 'unsafe-eval',
/// because Blazor Server and MudBlazor 9 do not need it. Styles from this origin and 'unsafe-inline', because
/// MudBlazor writes style attributes and its theme provider renders a &lt;style&gt; element whose
/// content changes with the theme, so neither a hash nor a nonce can cover it. The circuit's
/// WebSocket is covered by connect-src 'self'. Forms may post only to this origin, and no page may be framed.
/// </remarks>
public static class SecurityHeaders
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the request's script nonce.</summary>
    public const string NonceItem = "vigil:csp-nonce";

    /// <summary>One year, the max-age that HSTS preload lists expect.</summary>
    public const int HstsMaxAgeSeconds = 31_536_000;

    /// <summary>Returns the request's script nonce, for inline script elements that the console renders.</summary>
    public static string? GetNonce(HttpContext? context) => context?.Items[NonceItem] as string;

    /// <summary>Returns the Content-Security-Policy value for a nonce.</summary>
    public static string ContentSecurityPolicy(string nonce) =>
        "default-src 'self'; "
        + $"script-src 'self' 'nonce-{nonce}'; "
        + "style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; "
        + "font-src 'self' data:; "
        + "connect-src 'self'; "
        + "object-src 'none'; "
        + "base-uri 'self'; "
        + "form-action 'self'; "
        + "frame-ancestors 'none'";

    /// <summary>Adds the middleware; call it first, so every response, even an error, carries the headers.</summary>
    public static IApplicationBuilder UseVigilSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use((context, next) =>
        {
            // Hexadecimal digits are valid in a CSP nonce and need no HTML escaping, so the nonce in
            // the header and the one Razor writes into the page are the same text.
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = $"max-age={HstsMaxAgeSeconds}; includeSubDomains";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
