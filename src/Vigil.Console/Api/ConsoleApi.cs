using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Administration;
using Vigil.Console.Security;

namespace Vigil.Console.Api;

/// <summary>
/// The versioned REST API. Every route lives under <see cref="V1"/>, takes the tenant from the
/// caller's principal only, and uses the same <see cref="ConsolePolicies"/> as the console pages.
/// </summary>
internal static class ConsoleApi
{
    public const string V1 = "/api/v1";

    /// <summary>The unversioned prefix of the sources API before versioning, redirected to <see cref="V1"/>.</summary>
    public const string LegacySourcesPath = "/api/sources";

    public static void MapConsoleApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSourceEndpoints();
        endpoints.MapUserEndpoints();
        endpoints.MapTenantAccountEndpoints();
        endpoints.MapApiKeyEndpoints();
        endpoints.MapAuditEndpoints();
        endpoints.MapTenantEndpoints();
        endpoints.MapExportEndpoints();
        endpoints.MapRuleEndpoints();
        endpoints.MapFindingEndpoints();
        endpoints.MapSuppressionRuleEndpoints();
        endpoints.MapListEndpoints();
        endpoints.MapPlatformListEndpoints();
        endpoints.MapDetectorSettingsEndpoints();
        endpoints.MapAntiforgeryEndpoints();
        endpoints.MapLegacyRedirects();
    }

    /// <summary>
    /// Answers <c>/api/sources</c> and everything below it with 308 Permanent Redirect to the same path
    /// under <c>/api/v1</c>. A 308 keeps the method and the body, so existing clients keep working.
    /// </summary>
    private static void MapLegacyRedirects(this IEndpointRouteBuilder endpoints)
    {
        static IResult Redirect(HttpContext context)
        {
            var rest = context.Request.Path.Value![LegacySourcesPath.Length..];
            var location = context.Request.PathBase + SourceEndpoints.BasePath + rest + context.Request.QueryString;
            return Results.Redirect(location, permanent: true, preserveMethod: true);
        }

        string[] methods = [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete];
        endpoints.MapMethods(LegacySourcesPath, methods, Redirect).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapMethods(LegacySourcesPath + "/{**rest}", methods, Redirect).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Returns the HTTP result of a change: the object, or a problem with the status that fits.</summary>
    public static IResult ToResult<T>(ChangeResult<T> result, Func<T, IResult> success) => result.Status switch
    {
        ChangeStatus.Succeeded => success(result.Value!),
        ChangeStatus.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: result.Message),
        ChangeStatus.Conflict => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: result.Message),
        ChangeStatus.Forbidden => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: result.Message),
        _ => Results.ValidationProblem(result.Errors),
    };
}
