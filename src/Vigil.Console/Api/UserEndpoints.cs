using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Administration;
using Vigil.Console.Security;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>The local users of the caller's tenant under <c>/api/v1/users</c>, for tenant admins.</summary>
internal static class UserEndpoints
{
    public const string BasePath = ConsoleApi.V1 + "/users";

    public static void MapUserEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.TenantAdmin).WithTags("Users");
        group.MapGet("/", async (ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            Results.Ok(await users.ListAsync(user, cancellationToken)));
        group.MapGet("/{userName}", async (string userName, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            await users.GetAsync(user, userName, cancellationToken) is { } found ? Results.Ok(found) : NotFound());
        group.MapPost("/", async (NewUserRequest request, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await users.CreateAsync(user, request.UserName, request.Role, cancellationToken),
                created => Results.Created($"{BasePath}/{Uri.EscapeDataString(created.User.UserName)}", created)));
        group.MapPut("/{userName}/role", async (string userName, RoleRequest request, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await users.SetRoleAsync(user, userName, request.Role, cancellationToken), Results.Ok));
        group.MapPost("/{userName}/disable", async (string userName, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await users.SetDisabledAsync(user, userName, true, cancellationToken), Results.Ok));
        group.MapPost("/{userName}/enable", async (string userName, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await users.SetDisabledAsync(user, userName, false, cancellationToken), Results.Ok));
        group.MapPost("/{userName}/reset-password", async (string userName, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await users.ResetPasswordAsync(user, userName, cancellationToken), Results.Ok));
        group.MapPost("/{userName}/unlock", async (string userName, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await users.UnlockAsync(user, userName, cancellationToken), Results.Ok));
    }

    private static IResult NotFound() =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The tenant has no user with this name.");
}

/// <summary>A user to create; the password is generated and returned once.</summary>
internal sealed record NewUserRequest(string? UserName, string? Role);

internal sealed record RoleRequest(string? Role);
