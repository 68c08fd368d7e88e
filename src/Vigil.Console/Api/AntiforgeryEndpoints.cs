using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Vigil.Console.Api;

/// <summary>
/// <c>GET /api/v1/antiforgery/token</c>: issues the antiforgery token that form posts with the session
/// cookie must carry (<see cref="Security.CookieFormAntiforgery"/>), and sets its cookie. The token is
/// bound to the signed-in user, so it is requested after sign-in.
/// </summary>
internal static class AntiforgeryEndpoints
{
    public const string TokenPath = ConsoleApi.V1 + "/antiforgery/token";

    public static void MapAntiforgeryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(TokenPath, IssueToken).RequireAuthorization().WithTags("Antiforgery");
    }

    internal static IResult IssueToken(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Ok(new AntiforgeryTokenView(tokens.RequestToken!, tokens.HeaderName!, tokens.FormFieldName));
    }
}

/// <summary>The request token and where to send it: the header, or the form field.</summary>
public sealed record AntiforgeryTokenView(string RequestToken, string HeaderName, string FormFieldName);
