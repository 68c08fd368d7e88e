using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Console.Security;

/// <summary>
/// Requires a valid antiforgery token on every form post that the session cookie authenticated:
/// a request with a body of <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c>,
/// the bodies a cross-site HTML form can send. ASP.NET Core validates the token itself only for
/// endpoints that bind form parameters, so endpoints that read the form themselves, such as the list
/// upload, rely on this check. Requests authenticated by an API key or a bearer token are exempt,
/// because a browser never adds those headers to a cross-site request, and so are endpoints mapped
/// with <c>DisableAntiforgery()</c>. A client gets a token from <c>GET /api/v1/antiforgery/token</c>.
/// </summary>
public sealed partial class CookieFormAntiforgery(RequestDelegate next, IAntiforgery antiforgery, ILogger<CookieFormAntiforgery> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!RequiresToken(context))
        {
            await next(context);
            return;
        }

        bool valid;
        try
        {
            valid = await antiforgery.IsRequestValidAsync(context);
        }
        catch (BadHttpRequestException exception)
        {
            // A token in a form field makes the form be read here with the server's default limits,
            // which a large upload exceeds. The header carries the token without reading the body.
            await Results.Problem(statusCode: exception.StatusCode, title: "Request body not readable", detail: exception.Message + " Send the antiforgery token in the RequestVerificationToken header.")
                .ExecuteAsync(context);
            return;
        }

        if (!valid)
        {
            LogRejected(logger, context.Request.Method, Display.DisplayText.SingleLine(context.Request.Path.Value ?? ""));
            await Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Antiforgery token missing or invalid",
                detail: "A form post with the session cookie needs an antiforgery token: request GET /api/v1/antiforgery/token and send its requestToken " +
                        "in the RequestVerificationToken header or the __RequestVerificationToken form field. Requests with an API key need none.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>
    /// True for a form post authenticated by the session cookie, to an endpoint without antiforgery
    /// metadata. Endpoints with it either disabled antiforgery or have ASP.NET Core check the token
    /// (its middleware, then the form binding or the Razor component endpoint).
    /// </summary>
    internal static bool RequiresToken(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return false;
        }

        // Checked before the content type, because reading the form feature of a request whose
        // token ASP.NET Core found invalid throws.
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is not null)
        {
            return false;
        }

        var authentication = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult;
        if (authentication is not { Succeeded: true, Ticket.AuthenticationScheme: ConsoleAuthentication.CookieScheme })
        {
            return false;
        }

        return request.HasFormContentType;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a {Method} form post to {Path} with the session cookie but without a valid antiforgery token")]
    private static partial void LogRejected(ILogger logger, string method, string path);
}
