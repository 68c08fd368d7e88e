using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Administration;
using Vigil.Console.Security;

namespace Vigil.Console.Api;

/// <summary>
/// <c>/api/v1/tenant</c>: the caller's current tenant. <c>/api/v1/tenants</c>: every tenant, for
/// platform operators only.
/// </summary>
internal static class TenantEndpoints
{
    public const string CurrentPath = ConsoleApi.V1 + "/tenant";
    public const string BasePath = ConsoleApi.V1 + "/tenants";

    public static void MapTenantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(CurrentPath, async (ClaimsPrincipal user, TenantAdministration tenants, CancellationToken cancellationToken) =>
                await tenants.GetCurrentAsync(user, cancellationToken) is { } tenant ? Results.Ok(tenant) : NotFound())
            .RequireAuthorization(ConsolePolicies.AnalystOrAbove).WithTags("Tenants");

        var group = endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.PlatformOperator).WithTags("Tenants");
        group.MapGet("/", async (TenantAdministration tenants, CancellationToken cancellationToken) =>
            Results.Ok(await tenants.ListAsync(cancellationToken)));
        group.MapGet("/{tenantId}", async (string tenantId, TenantAdministration tenants, CancellationToken cancellationToken) =>
            await tenants.GetAsync(tenantId, cancellationToken) is { } tenant ? Results.Ok(tenant) : NotFound());
        group.MapPost("/", async (TenantRequest request, ClaimsPrincipal user, TenantAdministration tenants, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await tenants.CreateAsync(user, request.Id, request.DisplayName, request.Settings, cancellationToken),
                tenant => Results.Created($"{BasePath}/{tenant.Id}", tenant)));
        group.MapPut("/{tenantId}", async (string tenantId, TenantRequest request, ClaimsPrincipal user, TenantAdministration tenants, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await tenants.UpdateAsync(user, tenantId, request.DisplayName, request.Settings, cancellationToken), Results.Ok));
    }

    private static IResult NotFound() =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "There is no tenant with this id.");
}

internal sealed record TenantRequest(string? Id, string? DisplayName, Dictionary<string, string>? Settings);
