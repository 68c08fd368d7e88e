using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Administration;
using Vigil.Console.Security;

namespace Vigil.Console.Api;

/// <summary>The caller's tenant's API keys under <c>/api/v1/api-keys</c>, for tenant admins. The secret appears only in the creation response.</summary>
internal static class ApiKeyEndpoints
{
    public const string BasePath = ConsoleApi.V1 + "/api-keys";

    public static void MapApiKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.TenantAdmin).WithTags("API keys");
        group.MapGet("/", async (ClaimsPrincipal user, ApiKeyAdministration keys, CancellationToken cancellationToken) =>
            Results.Ok(await keys.ListAsync(user, cancellationToken)));
        group.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal user, ApiKeyAdministration keys, CancellationToken cancellationToken) =>
            await keys.GetAsync(user, id, cancellationToken) is { } key
                ? Results.Ok(key)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The tenant has no API key with this id."));
        group.MapPost("/", async (NewApiKeyRequest request, ClaimsPrincipal user, ApiKeyAdministration keys, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await keys.CreateAsync(user, request.Name, request.Role, request.LifetimeDays, cancellationToken),
                created => Results.Created($"{BasePath}/{created.Key.Id}", created)));
        group.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal user, ApiKeyAdministration keys, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await keys.RevokeAsync(user, id, cancellationToken), Results.Ok));
    }
}

/// <summary>A key to create: a name, the role (analyst or tenant-admin) and an optional lifetime in days.</summary>
internal sealed record NewApiKeyRequest(string? Name, string? Role, int? LifetimeDays);
