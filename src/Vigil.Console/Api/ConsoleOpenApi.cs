using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Security;

namespace Vigil.Console.Api;

/// <summary>
/// The OpenAPI document of the REST API, generated from the mapped endpoints by
/// Microsoft.AspNetCore.OpenApi and served at <c>/api/v1/openapi.json</c> to signed-in callers.
/// </summary>
public static class ConsoleOpenApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = ConsoleApi.V1 + "/openapi.json";

    internal static IServiceCollection AddVigilOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            // Only the versioned API; the sign-in form endpoints and the pages are not part of it.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Vigil REST API";
                document.Info.Version = DocumentName;
                document.Info.Description = "Authenticate with a tenant API key (header X-Api-Key, or Authorization: Bearer vigil-api-...), "
                    + "a bearer token of the configured OpenID Connect provider, or the console's session cookie. "
                    + "Every call acts on the caller's tenant.";
                return Task.CompletedTask;
            });
        });

    internal static void MapVigilOpenApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOpenApi(ConsoleApi.V1 + "/openapi.json").RequireAuthorization(ConsolePolicies.AnalystOrAbove);
}
