using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Administration;
using Vigil.Console.Security;

namespace Vigil.Console.Api;

/// <summary>The AWS accounts registered by the caller's tenant under <c>/api/v1/accounts</c>.</summary>
internal static class TenantAccountEndpoints
{
    public const string BasePath = ConsoleApi.V1 + "/accounts";

    public static void MapTenantAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.AnalystOrAbove).WithTags("Accounts")
            .MapGet("/", async (ClaimsPrincipal user, AccountRegistry accounts, CancellationToken cancellationToken) =>
                Results.Ok(await accounts.ListAsync(user, cancellationToken)));

        var changes = endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.TenantAdmin).WithTags("Accounts");
        changes.MapPost("/", async (NewAccountRequest request, ClaimsPrincipal user, AccountRegistry accounts, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await accounts.AddAsync(user, request.AccountId, request.Name, cancellationToken),
                account => Results.Created($"{BasePath}/{account.AccountId}", account)));
        changes.MapDelete("/{accountId}", async (string accountId, ClaimsPrincipal user, AccountRegistry accounts, CancellationToken cancellationToken) =>
            ConsoleApi.ToResult(await accounts.RemoveAsync(user, accountId, cancellationToken), _ => Results.NoContent()));
    }
}

internal sealed record NewAccountRequest(string? AccountId, string? Name);
