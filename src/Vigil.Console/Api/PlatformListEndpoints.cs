using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Lists;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The REST API of platform lists under <c>/api/v1/platform-lists</c>. Platform lists apply to every
/// tenant, so every route, reading included, takes the platform-operator role.
/// </summary>
internal static class PlatformListEndpoints
{
    public const string BasePath = "/api/v1/platform-lists";

    public static void MapPlatformListEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath).RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.PlatformOperator));
        group.MapGet("/", async (PlatformListService lists, CancellationToken cancellationToken) => Results.Ok(await lists.ListAsync(cancellationToken)));
        group.MapGet("/{name}", GetAsync);
        group.MapGet("/{name}/versions", VersionsAsync);
        group.MapGet("/{name}/invalid-lines", InvalidLinesAsync);
        group.MapGet("/{name}/audit", AuditAsync);
        group.MapPut("/{name}", DefineAsync);
        group.MapPost("/{name}/activate", (string name, ClaimsPrincipal user, PlatformListService lists, CancellationToken cancellationToken) =>
            ChangedAsync(name, lists.SetActiveAsync(ApiResults.UserName(user), name, true, cancellationToken)));
        group.MapPost("/{name}/deactivate", (string name, ClaimsPrincipal user, PlatformListService lists, CancellationToken cancellationToken) =>
            ChangedAsync(name, lists.SetActiveAsync(ApiResults.UserName(user), name, false, cancellationToken)));
        group.MapPost("/{name}/fetch", (string name, ClaimsPrincipal user, PlatformListService lists, CancellationToken cancellationToken) =>
            ChangedAsync(name, lists.FetchAsync(ApiResults.UserName(user), name, cancellationToken)));
        group.MapDelete("/{name}", async (string name, ClaimsPrincipal user, PlatformListService lists, CancellationToken cancellationToken) =>
            await lists.DeleteAsync(ApiResults.UserName(user), name, cancellationToken) ? Results.NoContent() : NotFound(name));
    }

    internal static async Task<IResult> GetAsync(string name, PlatformListService lists, CancellationToken cancellationToken) =>
        await lists.GetAsync(name, cancellationToken) is { } detail ? Results.Ok(detail.List) : NotFound(name);

    internal static async Task<IResult> VersionsAsync(string name, PlatformListService lists, CancellationToken cancellationToken) =>
        await lists.GetAsync(name, cancellationToken) is { } detail ? Results.Ok(detail.Versions) : NotFound(name);

    internal static async Task<IResult> AuditAsync(string name, PlatformListService lists, CancellationToken cancellationToken) =>
        await lists.GetAsync(name, cancellationToken) is { } detail ? Results.Ok(detail.Audit) : NotFound(name);

    internal static async Task<IResult> InvalidLinesAsync(string name, PlatformListService lists, CancellationToken cancellationToken, int offset = 0, int limit = 100) =>
        await lists.InvalidLinesAsync(name, offset, limit, cancellationToken) is { } page ? Results.Ok(page) : NotFound(name);

    /// <summary>Adds or changes the platform list named in the URL; the body's name, when given, must match it.</summary>
    internal static async Task<IResult> DefineAsync(string name, PlatformListInput input, ClaimsPrincipal user, PlatformListService lists, CancellationToken cancellationToken)
    {
        if (input.Name is not null && input.Name != name)
        {
            return ApiResults.Invalid("name", "The name in the body differs from the name in the URL.");
        }

        var result = await lists.DefineAsync(ApiResults.UserName(user), input with { Name = name }, cancellationToken);
        return result.Succeeded ? Results.Ok(new { result.List, result.FetchFailure }) : Results.ValidationProblem(result.Errors);
    }

    private static async Task<IResult> ChangedAsync(string name, Task<PlatformChangeResult> change)
    {
        var result = await change;
        return result.NotFound ? NotFound(name) : Results.Ok(new { result.List, result.FetchFailure });
    }

    private static IResult NotFound(string name) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no platform list named '{ApiResults.Bounded(name)}'.");
}
